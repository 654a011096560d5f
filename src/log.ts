import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The root logger. Everything else logs through a child (`{ requestId }`,
 * `{ backend }`, `{ component }`). Secrets are redacted wherever they appear.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      redact: {
        paths: [
          'authorization',
          'cookie',
          'headers',
          '*.authorization',
          '*.cookie',
          '*.headers',
          '*.apiKey',
          '*.token',
          '*.adminToken',
          '*.password',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
