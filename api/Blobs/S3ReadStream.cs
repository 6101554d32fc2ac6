namespace Chaos.Api.Blobs;

/// <summary>
/// A seekable read-only view of an S3 object of known length: each read after a seek issues one ranged GET from the
/// position to the end, so a download's <c>Range</c> fetches only the bytes asked for. Asynchronous reads only.
/// </summary>
internal sealed class S3ReadStream(S3BlobStore store, string key, long length) : Stream
{
    private HttpResponseMessage? response;
    private Stream? body;
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (position >= length || buffer.Length == 0)
        {
            return 0;
        }

        if (body is null)
        {
            response = await store.GetRangeAsync(key, position, length - 1, cancellationToken);
            body = await response.Content.ReadAsStreamAsync(cancellationToken);
        }

        var read = await body.ReadAsync(buffer, cancellationToken);
        if (read == 0)
        {
            throw new IOException($"S3 object {key} ended at {position} of {length} bytes.");
        }

        position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("S3 blobs are read asynchronously.");

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != position)
        {
            CloseBody();
            position = target;
        }

        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
        }

        base.Dispose(disposing);
    }

    private void CloseBody()
    {
        body?.Dispose();
        response?.Dispose();
        body = null;
        response = null;
    }
}
