import { createConsola } from 'consola';
import type { LogLevel } from './config.js';

/** What the mock logs through; tests pass a silent one, the command a consola one. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const CONSOLA_LEVELS: Record<LogLevel, number> = { silent: -999, error: 0, warn: 1, info: 3, debug: 4 };

export function createLogger(level: LogLevel): Logger {
  const consola = createConsola({ level: CONSOLA_LEVELS[level] }).withTag('imagefactory-mock');
  return {
    error: (message) => consola.error(message),
    warn: (message) => consola.warn(message),
    info: (message) => consola.info(message),
    debug: (message) => consola.debug(message),
  };
}

/** Shows only the last four characters: enough to tell two secrets apart, never enough to use one. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? '****' : `${'*'.repeat(Math.min(secret.length - 4, 20))}${secret.slice(-4)}`;
}
