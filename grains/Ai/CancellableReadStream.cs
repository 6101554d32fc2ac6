namespace Chaos.Ai;

/// <summary>
/// A response body whose every read observes one model call's token, synchronous reads included: OllamaSharp checks
/// <c>StreamReader.EndOfStream</c>, a synchronous read that no token reaches, so a server that stops writing mid-answer
/// held the call (and a thread) forever. Reads here go through the HTTP stream's cancellable <c>ReadAsync</c>, which
/// aborts the connection when the token fires (docs/architecture.md#ai-assistance).
/// </summary>
public sealed class CancellableReadStream(Stream inner, CancellationToken call) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Synchronous because the caller is; the thread was blocked either way, now the call's token can free it.
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = inner.ReadAsync(rented.AsMemory(0, buffer.Length), call).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await inner.ReadAsync(buffer, call);
        }

        using var both = CancellationTokenSource.CreateLinkedTokenSource(call, cancellationToken);
        return await inner.ReadAsync(buffer, both.Token);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
