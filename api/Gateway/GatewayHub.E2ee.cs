using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.E2ee;
using Chaos.Messages;

namespace Chaos.Api.Gateway;

/// <summary>End-to-end encrypted channels on the gateway (docs/api.md#end-to-end-encryption).</summary>
public sealed partial class GatewayHub
{
    /// <summary>
    /// An encrypted message (base64 <paramref name="ciphertext"/>) to an e2ee channel — the same rules as
    /// <c>POST /channels/{id}/messages {ciphertext}</c>. <c>SendMessage</c> with content is refused there.
    /// </summary>
    public async Task<Message> SendCiphertext(string channelId, string ciphertext, string? nonce = null)
    {
        var channel = Channel(channelId);
        var bytes = E2eeRules.DecodeBase64(ciphertext, E2eeRules.MaxCiphertextBytes, "ciphertext", out var error);
        new RequestValidator()
            .Check("ciphertext", error)
            .Check("nonce", MessageRules.CheckNonce(nonce))
            .ThrowIfInvalid();
        var userId = Context.User!.UserId();
        return await GrainCalls.RetryAsync(() => channel.SendCiphertextAsync(userId, bytes!, nonce, null), idempotent: nonce is not null, Context.ConnectionAborted);
    }
}
