using System.Text.Json;

namespace Chaos.Tests.Support;

/// <summary>A guest of the support desk: the conversation as started, its guest token and a client carrying it.</summary>
internal sealed record Guest(JsonElement Conversation, string Token, HttpClient Http)
{
    public string ConversationId => Conversation.GetProperty("id").GetString()!;
}
