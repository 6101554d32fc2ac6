using System.Diagnostics;
using System.Net.Sockets;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Attachments;

/// <summary>
/// A real S3-compatible server for the S3 blob store's tests: s3rver (npm, installed into <c>tests/tools/s3</c> by
/// <c>deploy/tools/install.sh</c>) on a free loopback port, with a bucket <c>chaos</c> and s3rver's fixed credentials.
/// </summary>
public sealed class S3Server() : S3TestServer("chaos-s3rver-", AccessKey, SecretKey)
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private Process? process;

    public static string ToolDirectory => Path.Combine(NodeRunner.RepositoryRoot, "tests", "tools", "s3");

    /// <summary>The object keys the server holds in the bucket (s3rver keeps each object as a folder of files).</summary>
    public IReadOnlyList<string> Keys()
    {
        var bucket = Path.Combine(WorkDirectory, Bucket);
        return Directory.Exists(bucket)
            ? [.. Directory.GetFiles(bucket, "*._S3rver_object", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(bucket, f)[..^"._S3rver_object".Length].Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    public override Task<IReadOnlyList<string>> KeysAsync(string prefix) =>
        Task.FromResult<IReadOnlyList<string>>([.. Keys().Where(k => k.StartsWith(prefix, StringComparison.Ordinal))]);

    protected override async Task StartAsync()
    {
        var script = Path.Combine(ToolDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed at {script}: run deploy/tools/install.sh once.");
        }

        Directory.CreateDirectory(WorkDirectory);
        var port = FreePorts(1)[0];
        process = Start("node", ToolDirectory, script, "-d", WorkDirectory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets", "--configure-bucket", Bucket);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Url = new Uri($"http://127.0.0.1:{port}/");
        await Eventually.ReturnsAsync(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }, ok => ok, TimeSpan.FromSeconds(60), "s3rver to listen");
    }

    protected override async Task StopAsync()
    {
        if (process is not null)
        {
            await KillAsync(process);
            process.Dispose();
            process = null;
        }
    }
}
