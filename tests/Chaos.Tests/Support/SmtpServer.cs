using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>
/// A real SMTP server for the support desk's e-mail tests: npm <c>smtp-server</c> + <c>mailparser</c> (installed into
/// <c>tests/tools/smtp</c> by <c>deploy/tools/install.sh</c>) on a free loopback port; every message it accepts arrives here parsed.
/// </summary>
public sealed class SmtpServer : IAsyncLifetime
{
    private readonly ConcurrentQueue<ReceivedMail> mails = new();
    private Process? process;

    public int Port { get; private set; }

    public IReadOnlyList<ReceivedMail> Mails => [.. mails];

    public static string ToolDirectory => Path.Combine(NodeRunner.RepositoryRoot, "tests", "tools", "smtp");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(ToolDirectory, "node_modules", "smtp-server", "package.json")))
        {
            throw new InvalidOperationException($"smtp-server is not installed in {ToolDirectory}: run deploy/tools/install.sh once.");
        }

        Port = PostgresServer.FreeTcpPort();
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ToolDirectory };
        info.ArgumentList.Add("server.js");
        info.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
            {
                mails.Enqueue(JsonSerializer.Deserialize<ReceivedMail>(line, JsonSerializerOptions.Web)!);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.ReturnsAsync(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }, ok => ok, TimeSpan.FromSeconds(60), "smtp-server to listen");
    }

    /// <summary>Waits for a message that matches (30 s and more: e-mail is sent in the background).</summary>
    public Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(mails.FirstOrDefault(match)), m => m is not null, TimeSpan.FromSeconds(60), what)!;

    public async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }
}
