import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What the real service shows once when a token is created in its dashboard. */
export interface TokenRecord {
  name: string;
  token: string;
  /** HMAC-SHA256 key for the `Signature` header of this token's webhooks. */
  secret: string;
  /** Where this token's webhooks go; null means renders happen but deliveries are undeliverable. */
  webhookUrl: string | null;
}

export interface NewToken {
  name: string;
  webhookUrl: string | null;
  token?: string;
  secret?: string;
}

/** Laravel Sanctum tokens look like `<id>|<40 random characters>`; a plain random string is enough here. */
function randomToken(): string {
  return `ifm_${randomBytes(24).toString('base64url')}`;
}

function randomSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The registry of API tokens. Lookups compare SHA-256 digests with `timingSafeEqual` and visit
 * every record, so neither the length nor the prefix of a guess shows in the response time.
 */
export class TokenRegistry {
  private readonly records: Array<{ digest: Buffer; record: TokenRecord }> = [];

  add(spec: NewToken): TokenRecord {
    const record: TokenRecord = {
      name: spec.name,
      token: spec.token ?? randomToken(),
      secret: spec.secret ?? randomSecret(),
      webhookUrl: spec.webhookUrl,
    };
    const existing = this.records.findIndex((entry) => entry.record.token === record.token);
    const entry = { digest: digest(record.token), record };
    if (existing >= 0) this.records[existing] = entry;
    else this.records.push(entry);
    return record;
  }

  find(candidate: string): TokenRecord | undefined {
    const candidateDigest = digest(candidate);
    let found: TokenRecord | undefined;
    for (const entry of this.records) {
      if (timingSafeEqual(entry.digest, candidateDigest)) found = entry.record;
    }
    return found;
  }

  list(): readonly TokenRecord[] {
    return this.records.map((entry) => entry.record);
  }
}

/** `Authorization: Bearer <token>`, case-insensitive scheme as RFC 6750 allows; anything else is no token. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/|]+=*)\s*$/i.exec(header ?? '');
  return match?.[1];
}
