import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty';
import { SetupError } from '../mock/api/errors.js';
import { checkHandlerCommand } from './check-handler-command.js';
import { exampleRequestCommand } from './example-request-command.js';
import { replayCommand } from './replay-command.js';
import { serveCommand } from './serve-command.js';

export const mainCommand = defineCommand({
  meta: {
    name: 'imagefactory-mock',
    version: '0.1.0',
    description: "A local stand-in for ImageFactory's render API: signed, split, reordered webhooks; real placeholder images; contract and chaos testing.",
  },
  subCommands: {
    serve: serveCommand,
    'check-handler': checkHandlerCommand,
    replay: replayCommand,
    'example-request': exampleRequestCommand,
  },
});

function subCommandOf(rawArgs: readonly string[]): CommandDef<any> | undefined {
  const name = rawArgs.find((arg) => !arg.startsWith('-'));
  const subCommands = mainCommand.subCommands as Record<string, CommandDef<any>>;
  return name ? subCommands[name] : undefined;
}

/**
 * Runs the command with the given arguments (citty's runMain without its process.exit, which
 * cuts piped output short). Setup mistakes print one line of fix and exit 2; a bug keeps its stack.
 */
export async function runCli(rawArgs: readonly string[]): Promise<void> {
  const args = [...rawArgs];
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    const sub = subCommandOf(args);
    process.stdout.write(`${await renderUsage(sub ?? mainCommand, sub ? mainCommand : undefined)}\n`);
    return;
  }
  if (args.length === 1 && args[0] === '--version') {
    process.stdout.write('0.1.0\n');
    return;
  }
  try {
    await runCommand(mainCommand, { rawArgs: args });
  } catch (error) {
    if (error instanceof SetupError || (error as { name?: string }).name === 'CLIError') {
      process.stderr.write(`imagefactory-mock: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
