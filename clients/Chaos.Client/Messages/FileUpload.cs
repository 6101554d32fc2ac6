namespace Chaos.Client.Messages;

/// <summary>
/// One file to attach: its name and a way to open its bytes (called again when a send is retried). The server decides
/// the content type from the bytes; <see cref="ContentType"/> is only a hint on the wire.
/// </summary>
public sealed record FileUpload(string Filename, Func<Stream> Open, string ContentType = "application/octet-stream");
