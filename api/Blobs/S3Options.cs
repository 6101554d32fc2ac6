using System.ComponentModel.DataAnnotations;

namespace Chaos.Api.Blobs;

/// <summary>
/// <c>Chaos:Blobs:S3</c>: an S3-compatible bucket (AWS S3, MinIO, Ceph, R2…) for <c>Chaos:Blobs:Provider=s3</c>
/// (docs/operations.md#blob-storage). Requests are path-style (<c>{ServiceUrl}/{Bucket}/{key}</c>) and signed with
/// AWS Signature Version 4.
/// </summary>
public sealed class S3Options
{
    /// <summary>The endpoint, e.g. <c>https://s3.eu-west-1.amazonaws.com</c> or <c>http://minio:9000</c>.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string Region { get; set; } = "us-east-1";

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Prepended to every object key (e.g. <c>chaos/</c>), so one bucket can serve several deployments.</summary>
    public string Prefix { get; set; } = string.Empty;
}
