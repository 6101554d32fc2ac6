namespace Chaos.Client.Errors;

/// <summary>
/// This SDK has no MLS implementation (none for .NET can be had from NuGet), so it cannot take part in end-to-end
/// encrypted channels. It never sends plaintext there: the server's refusal becomes a <see cref="NotSupportedException"/>
/// that says so (README, "End-to-end encryption").
/// </summary>
internal static class EncryptedChannels
{
    public static async Task<T> RefusePlaintextAsync<T>(string channelId, Func<Task<T>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (ChaosApiException exception) when (exception.IsEncryptedChannelRefusal)
        {
            throw new NotSupportedException(
                $"Channel {channelId} is end-to-end encrypted (MLS). Chaos.Client has no MLS implementation for .NET and cannot encrypt, " +
                "so it does not send plaintext there; use a client with MLS (the web client) for encrypted channels.",
                exception);
        }
    }
}
