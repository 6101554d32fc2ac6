namespace Chaos.Api.Attachments;

/// <summary>One uploaded file, complete on disk in the staging directory: its sanitised name, size and first bytes.</summary>
public sealed record StagedFile(string Path, string Filename, long Size, byte[] Head);
