namespace Chaos.E2ee;

/// <summary>
/// Bounds of everything end-to-end encryption stores or relays (docs/api.md#end-to-end-encryption). The server cannot look
/// inside any of it, so size is the one thing it can hold every client to.
/// </summary>
public static class E2eeRules
{
    public const int MaxDevicesPerUser = 10;
    public const int DeviceNameMax = 64;

    /// <summary>An Ed25519 key is 32 bytes, a post-quantum signature key a few KiB.</summary>
    public const int MaxIdentityKeyBytes = 4096;
    public const int MaxCredentialBytes = 4096;

    /// <summary>Outstanding one-time key packages per device (the last-resort package is not counted).</summary>
    public const int MaxKeyPackagesPerDevice = 100;
    public const int MaxKeyPackageBytes = 8192;

    /// <summary>An encrypted application message: <c>ciphertext</c> of at most 6 KiB.</summary>
    public const int MaxCiphertextBytes = 6144;

    /// <summary>A commit, proposal or welcome (a welcome may carry the ratchet tree of a big group).</summary>
    public const int MaxMlsPayloadBytes = 131_072;

    /// <summary>Devices one welcome may address.</summary>
    public const int MaxWelcomeRecipients = 100;

    public const int DefaultMlsPage = 50;
    public const int MaxMlsPage = 100;

    /// <summary>The header (or query parameter) naming the caller's device.</summary>
    public const string DeviceHeader = "deviceId";

    public static string? CheckDeviceName(string? name)
    {
        var trimmed = name?.Trim();
        return trimmed is null || trimmed.Length is 0 or > DeviceNameMax
            ? $"name must be 1–{DeviceNameMax} characters."
            : Accounts.TextRules.CheckWellFormed(trimmed, allowNewlines: false);
    }

    /// <summary>Decodes standard base64 of 1–<paramref name="max"/> bytes; null with <paramref name="error"/> set otherwise.</summary>
    public static byte[]? DecodeBase64(string? value, int max, string field, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            error = $"{field} is required (base64).";
            return null;
        }

        // Reject before decoding what could not fit: base64 grows 4/3.
        if (value.Length > ((max + 2) / 3 * 4) + 4)
        {
            error = $"{field} is at most {max} bytes.";
            return null;
        }

        var buffer = new byte[(value.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(value, buffer, out var written) || written == 0)
        {
            error = $"{field} must be base64.";
            return null;
        }

        if (written > max)
        {
            error = $"{field} is at most {max} bytes.";
            return null;
        }

        return buffer.AsSpan(0, written).ToArray();
    }
}
