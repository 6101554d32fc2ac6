using System.Security.Cryptography;
using System.Text;
using Chaos.Communities;

namespace Chaos.Api.Auth;

/// <summary>
/// Keyed tags that let the front door tell its own refresh tokens and invite codes from guesses before any grain is
/// called (docs/architecture.md#cheap-checks-before-grains). A refresh token travels as <c>{grain token}.{tag}</c>; an
/// invite code is <see cref="RandomChars"/> random characters followed by <see cref="TagChars"/> tag characters. Both
/// keys are derived from one secret that every front door of a cluster shares (see <c>FrontDoorServiceExtensions</c>).
/// </summary>
public sealed class EdgeTags(byte[] secret)
{
    /// <summary>The random part of an invite code (as many characters as codes had before they were tagged).</summary>
    public const int RandomChars = 10;

    /// <summary>The tag part of an invite code: a guess passes with probability 62^-6 (about 1 in 5.7 × 10^10).</summary>
    public const int TagChars = InviteKey.CodeLength - RandomChars;

    /// <summary>Bytes of HMAC-SHA256 kept in a refresh token's tag (128 bits).</summary>
    private const int RefreshTagBytes = 16;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly byte[] refreshKey = Derive(secret, "chaos/refresh-token-tag/v1");
    private readonly byte[] inviteKey = Derive(secret, "chaos/invite-code-tag/v1");

    /// <summary>The token handed to the client: the grain's token and its tag.</summary>
    public string TagRefreshToken(string grainToken) => grainToken + "." + Base64Url(RefreshTag(grainToken));

    /// <summary>The grain's token inside a tagged one, or false for anything this cluster did not issue.</summary>
    public bool TryUntagRefreshToken(string? tagged, out string grainToken)
    {
        grainToken = string.Empty;
        var dot = tagged?.LastIndexOf('.') ?? -1;
        if (tagged is null || dot <= 0 || tagged.Length > Chaos.Accounts.RefreshToken.MaxLength)
        {
            return false;
        }

        var inner = tagged[..dot];
        // Compared as canonical text: a tag whose unused trailing bits differ is not the same tag.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Base64Url(RefreshTag(inner))), Encoding.ASCII.GetBytes(tagged[(dot + 1)..])))
        {
            return false;
        }

        grainToken = inner;
        return true;
    }

    /// <summary>A fresh invite code: random characters, then their tag.</summary>
    public string NewInviteCode()
    {
        var random = RandomNumberGenerator.GetString(Alphabet, RandomChars);
        return random + InviteTag(random);
    }

    /// <summary>Whether a code is well formed and carries its tag; only such codes are looked up.</summary>
    public bool IsGenuineInviteCode(string? code)
    {
        if (!InviteKey.IsWellFormed(code))
        {
            return false;
        }

        var expected = InviteTag(code![..RandomChars]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(code[RandomChars..]));
    }

    private byte[] RefreshTag(string grainToken) => HMACSHA256.HashData(refreshKey, Encoding.UTF8.GetBytes(grainToken))[..RefreshTagBytes];

    private string InviteTag(string random)
    {
        var mac = HMACSHA256.HashData(inviteKey, Encoding.ASCII.GetBytes(random));
        return string.Create(TagChars, mac, static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                // Two bytes per character keep the modulo bias below 0.1%.
                chars[i] = Alphabet[((bytes[2 * i] << 8) | bytes[(2 * i) + 1]) % Alphabet.Length];
            }
        });
    }

    private static byte[] Derive(byte[] secret, string label) => HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(label));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
