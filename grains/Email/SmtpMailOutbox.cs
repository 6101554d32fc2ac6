using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Chaos.Email;

/// <summary>Sends queued e-mails one by one through the configured SMTP server with MailKit; a failed send is retried twice.</summary>
public sealed partial class SmtpMailOutbox(IOptions<EmailOptions> options, ILogger<SmtpMailOutbox> logger) : BackgroundService, IMailOutbox
{
    private readonly Channel<OutgoingMail> queue = Channel.CreateBounded<OutgoingMail>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public bool Enabled => options.Value.Enabled;

    public bool Enqueue(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return Enabled && mail.To.Count > 0 && queue.Writer.TryWrite(mail);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var mail in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SendAsync(mail, stoppingToken);
                    LogSent(logger, mail.To.Count, mail.Subject);
                    break;
                }
                catch (Exception exception) when (exception is not OperationCanceledException && attempt < 3)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogFailed(logger, exception, mail.Subject);
                    break;
                }
            }
        }
    }

    private async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From!));
        foreach (var to in mail.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = mail.Subject;
        message.Body = new TextPart("plain") { Text = mail.Body };
        using var client = new SmtpClient();
        var security = !settings.UseTls ? SecureSocketOptions.None
            : settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail sent to {Count} recipient(s): {Subject}")]
    private static partial void LogSent(ILogger logger, int count, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail not sent after three attempts: {Subject}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string subject);
}
