// A real SMTP server for tests (tests/Chaos.Tests/Support/SmtpServer.cs): accepts every message on 127.0.0.1:<port>
// without authentication or TLS, parses it, and prints one JSON line per message to stdout:
// {"from": "...", "to": ["..."], "subject": "...", "text": "..."}.
'use strict';
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

const port = Number(process.argv[2]);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        process.stdout.write(JSON.stringify({
          from: mail.from ? mail.from.text : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: mail.subject || '',
          text: mail.text || '',
        }) + '\n');
        callback();
      })
      .catch((error) => callback(error));
  },
});
server.on('error', (error) => process.stderr.write(String(error) + '\n'));
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
