import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server (the `smtp-server` package) that keeps what it receives,
 * parsed, so the demo and the end-to-end suite can read the buyers' emails.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  private server?: SMTPServer;

  async start(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const to = [mail.to ?? []].flat().flatMap((address) => address.value.map((v) => v.address ?? ''));
            this.mails.push({ to, subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '' });
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    // A client that dies mid-session (a SIGKILLed delivery service) makes the server emit 'error'; without a
    // listener that would end the whole process. The client retries its send; nothing here needs the error.
    server.on('error', () => undefined);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
