using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Chaos.Api.Blobs;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Attachments;

/// <summary>
/// A real S3 server that verifies AWS Signature Version 4: the Ceph Object Gateway (radosgw, Debian's Ceph packages,
/// installed by <c>.ci/run</c>) in front of a one-monitor, one-in-memory-OSD cluster on loopback, started by
/// <c>tests/tools/radosgw/start.sh</c> on free ports, with one S3 user (<see cref="AccessKey"/>, <see cref="SecretKey"/>)
/// and a bucket <c>chaos</c>. Its daemons are stopped by their pids on dispose.
/// </summary>
public sealed class RadosGateway : IAsyncLifetime
{
    public const string Bucket = "chaos";
    public const string AccessKey = "CHAOSTESTACCESSKEY01";
    public const string SecretKey = "chaos-test-secret/with+signs=0123456789";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "chaos-rgw-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly HttpClient http = new();

    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public static string Script => Path.Combine(NodeRunner.RepositoryRoot, "tests", "tools", "radosgw", "start.sh");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A half-started cluster must not outlive the run.
            await StopDaemonsAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        var monPort = PostgresServer.FreeTcpPort();
        var rgwPort = PostgresServer.FreeTcpPort();
        while (rgwPort == monPort)
        {
            rgwPort = PostgresServer.FreeTcpPort();
        }

        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script, directory, monPort.ToString(CultureInfo.InvariantCulture), rgwPort.ToString(CultureInfo.InvariantCulture), AccessKey, SecretKey })
        {
            info.ArgumentList.Add(argument);
        }

        using (var start = Process.Start(info) ?? throw new InvalidOperationException("bash did not start."))
        {
            var output = start.StandardOutput.ReadToEndAsync();
            var error = start.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await start.WaitForExitAsync(deadline.Token);
            if (start.ExitCode != 0)
            {
                throw new InvalidOperationException($"tests/tools/radosgw/start.sh failed ({start.ExitCode}); logs in {directory}/log: {await output}{await error}");
            }
        }

        Url = new Uri($"http://127.0.0.1:{rgwPort}/");
        // The gateway answers once its frontend is up; the user may take a moment more to be readable by it.
        await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                using var response = await SendAsync(HttpMethod.Put, Bucket, SecretKey);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "radosgw to create the bucket");
    }

    /// <summary>The bucket's object keys under <paramref name="prefix"/> (ListObjectsV2, signed with the right secret).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string prefix)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{Bucket}?list-type=2&prefix={SigV4Signer.Encode(prefix)}", SecretKey);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var xml = XDocument.Parse(body);
        return [.. xml.Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value).Order(StringComparer.Ordinal)];
    }

    /// <summary>One request signed with <paramref name="secret"/> (and <paramref name="accessKey"/>) by the store's signer.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string secret, string accessKey = AccessKey, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Url, pathAndQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        var hash = SigV4Signer.Hex(System.Security.Cryptography.SHA256.HashData(body ?? []));
        new SigV4Signer(accessKey, secret, "us-east-1").Sign(request, hash, DateTimeOffset.UtcNow);
        return await http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await StopDaemonsAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never written.
        }
    }

    private async Task StopDaemonsAsync()
    {
        var run = Path.Combine(directory, "run");
        if (Directory.Exists(run))
        {
            foreach (var pidFile in Directory.GetFiles(run, "*.pid"))
            {
                if (!int.TryParse(await File.ReadAllTextAsync(pidFile), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                try
                {
                    using var daemon = Process.GetProcessById(pid);
                    daemon.Kill();
                    await daemon.WaitForExitAsync();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }
    }
}
