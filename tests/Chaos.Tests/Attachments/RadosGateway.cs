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
public sealed class RadosGateway() : S3TestServer("chaos-rgw-", AccessKey, SecretKey)
{
    public const string AccessKey = "CHAOSTESTACCESSKEY01";
    public const string SecretKey = "chaos-test-secret/with+signs=0123456789";
    private readonly HttpClient http = new();

    public static string Script => Path.Combine(NodeRunner.RepositoryRoot, "tests", "tools", "radosgw", "start.sh");

    protected override async Task StartAsync()
    {
        var ports = FreePorts(2);
        int monPort = ports[0], rgwPort = ports[1];
        using (var start = Start("bash", null, Script, WorkDirectory, monPort.ToString(CultureInfo.InvariantCulture), rgwPort.ToString(CultureInfo.InvariantCulture), AccessKey, SecretKey))
        {
            var output = start.StandardOutput.ReadToEndAsync();
            var error = start.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await start.WaitForExitAsync(deadline.Token);
            if (start.ExitCode != 0)
            {
                throw new InvalidOperationException($"tests/tools/radosgw/start.sh failed ({start.ExitCode}): {await output}{await error}{LogTails()}");
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

    /// <summary>
    /// The last lines of each daemon's log, for a failed start: the daemons write their errors there, not to the
    /// script's output, and the work directory is gone once the run ends.
    /// </summary>
    private string LogTails()
    {
        var log = Path.Combine(WorkDirectory, "log");
        if (!Directory.Exists(log))
        {
            return "";
        }

        return string.Concat(Directory.GetFiles(log).Order(StringComparer.Ordinal).Select(file =>
            $"\n--- {Path.GetFileName(file)} (last lines)\n{string.Join('\n', File.ReadLines(file).TakeLast(15))}"));
    }

    /// <summary>The bucket's object keys under <paramref name="prefix"/>, by ListObjectsV2 signed with the right secret.</summary>
    public override async Task<IReadOnlyList<string>> KeysAsync(string prefix)
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

    /// <summary>Stops the cluster's daemons by the pids they wrote; the HTTP client goes too (once stopped, the gateway is not asked again).</summary>
    protected override async Task StopAsync()
    {
        http.Dispose();
        var run = Path.Combine(WorkDirectory, "run");
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
                    await KillAsync(daemon);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }
    }
}
