using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Chaos.Api.Blobs;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Chaos.Tests.Attachments;

/// <summary>
/// What the S3 servers of the blob store's tests (<see cref="S3Server"/>, <see cref="RadosGateway"/>) share: a fresh
/// working directory, started processes, and cleanup. A start that fails part way stops what it started before it throws,
/// and disposing stops the server and deletes its directory.
/// </summary>
public abstract class S3TestServer : IAsyncLifetime
{
    public const string Bucket = "chaos";

    private readonly string accessKey;
    private readonly string secretKey;

    protected S3TestServer(string directoryPrefix, string accessKey, string secretKey)
    {
        WorkDirectory = Path.Combine(Path.GetTempPath(), directoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public Uri Url { get; protected set; } = new("http://127.0.0.1/");

    /// <summary>The server's own directory under the temp directory: its data, logs and pid files.</summary>
    protected string WorkDirectory { get; }

    /// <summary>The bucket's object keys under <paramref name="prefix"/>, in ordinal order.</summary>
    public abstract Task<IReadOnlyList<string>> KeysAsync(string prefix);

    /// <summary>The S3 blob store on this server's bucket under <paramref name="prefix"/>, signing with <paramref name="secret"/> (the right one unless given).</summary>
    public S3BlobStore Store(HttpClient http, string prefix, string? secret = null) =>
        new(http, new S3Options { ServiceUrl = Url, Bucket = Bucket, AccessKeyId = accessKey, SecretAccessKey = secret ?? secretKey, Prefix = prefix }, TimeProvider.System);

    /// <summary>
    /// A whole front door with this server as its blob store: attachments land in the bucket under <c>door/</c>, are served
    /// (ranges and thumbnails too), and go with their message.
    /// </summary>
    public async Task AssertFrontDoorRoundTripAsync(string text)
    {
        await using var server = await ChaosServer.StartAsync(null, new Dictionary<string, string?>
        {
            ["Chaos:Blobs:Provider"] = "s3",
            ["Chaos:Blobs:S3:ServiceUrl"] = Url.ToString(),
            ["Chaos:Blobs:S3:Bucket"] = Bucket,
            ["Chaos:Blobs:S3:AccessKeyId"] = accessKey,
            ["Chaos:Blobs:S3:SecretAccessKey"] = secretKey,
            ["Chaos:Blobs:S3:Prefix"] = "door/",
        });
        server.Services.GetRequiredService<IBlobStore>().ShouldBeOfType<S3BlobStore>();
        var room = await VoiceTestCommunity.CreateAsync(server, members: 1);
        var png = TestImages.Encode(512, 256, SKEncodedImageFormat.Png);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var message = await AttachmentTests.UploadAsync(room.Owner, room.Text, [("p.png", png, null), ("n.txt", bytes, null)]);
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        (await KeysAsync("door/")).Count.ShouldBe(6);

        var request = new HttpRequestMessage(HttpMethod.Get, attachments[0].GetProperty("url").GetString());
        request.Headers.Range = new RangeHeaderValue(8, 15);
        var ranged = await room.Members[0].Http.SendAsync(request);
        ranged.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await ranged.Content.ReadAsByteArrayAsync()).ShouldBe(png[8..16]);
        (await room.Members[0].Http.GetByteArrayAsync(attachments[1].GetProperty("url").GetString())).ShouldBe(bytes);
        (await room.Members[0].Http.GetAsync(attachments[0].GetProperty("thumbnailUrl").GetString())).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await room.Owner.Http.DeleteAsync($"/api/v1/channels/{room.Text}/messages/{message.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Problem.ExpectAsync(await room.Members[0].Http.GetAsync(attachments[0].GetProperty("url").GetString()), 404, "not_found");
        (await KeysAsync("door/")).ShouldBeEmpty();
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A half-started server must not outlive the run.
            await StopAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never written.
        }
    }

    /// <summary>Starts the server and returns once it serves <see cref="Bucket"/> at <see cref="Url"/>.</summary>
    protected abstract Task StartAsync();

    /// <summary>Stops whatever <see cref="StartAsync"/> started, however far it got.</summary>
    protected abstract Task StopAsync();

    /// <summary><paramref name="count"/> distinct free loopback ports.</summary>
    protected static int[] FreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(PostgresServer.FreeTcpPort());
        }

        return [.. ports];
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/>, its output redirected.</summary>
    protected static Process Start(string file, string? workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
    }

    /// <summary>Kills <paramref name="process"/> (and its children) unless it has exited, and waits for it.</summary>
    protected static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
