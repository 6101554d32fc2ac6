namespace Chaos.Tests.Attachments;

/// <summary>
/// A non-seekable body of <c>length</c> filler bytes (so it is sent chunked, with no length to judge by); with
/// <c>cancelAfter</c>, it cancels <c>abort</c> once that many bytes were read, as a client that gives up mid-upload.
/// </summary>
internal sealed class FiniteStream(long length, long cancelAfter = long.MaxValue, CancellationTokenSource? abort = null) : Stream
{
    private long sent;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (sent >= cancelAfter)
        {
            abort?.Cancel();
            throw new OperationCanceledException("The client gave up.");
        }

        var n = (int)Math.Min(count, Math.Min(length, cancelAfter) - sent);
        n = Math.Max(n, 0);
        Array.Fill(buffer, (byte)0x4F, offset, n);
        sent += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
