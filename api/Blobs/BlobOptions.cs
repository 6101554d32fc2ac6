using System.ComponentModel.DataAnnotations;

namespace Chaos.Api.Blobs;

/// <summary>
/// <c>Chaos:Blobs</c>: where attachment bytes live (docs/operations.md#blob-storage): a local directory that the front
/// doors of one deployment share (<c>local</c>, the default) or an S3-compatible bucket (<c>s3</c>).
/// </summary>
public sealed class BlobOptions : IValidatableObject
{
    public const string Section = "Chaos:Blobs";

    /// <summary><c>local</c> or <c>s3</c>.</summary>
    [RegularExpression("^(local|s3)$", ErrorMessage = "must be local or s3.")]
    public string Provider { get; set; } = "local";

    /// <summary>The directory; unset, <c>data/blobs</c> under the content root (<see cref="BlobServiceExtensions.DefaultPath"/>).</summary>
    public string? Path { get; set; }

    public S3Options S3 { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider != "s3")
        {
            yield break;
        }

        if (S3.ServiceUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("must be an absolute http(s) URL when Provider is s3.", ["S3:ServiceUrl"]);
        }

        if (string.IsNullOrWhiteSpace(S3.Bucket))
        {
            yield return new ValidationResult("is required when Provider is s3.", ["S3:Bucket"]);
        }

        if (string.IsNullOrWhiteSpace(S3.AccessKeyId) || string.IsNullOrWhiteSpace(S3.SecretAccessKey))
        {
            yield return new ValidationResult("AccessKeyId and SecretAccessKey are required when Provider is s3.", ["S3:AccessKeyId"]);
        }
    }
}
