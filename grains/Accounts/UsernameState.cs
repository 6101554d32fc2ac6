namespace Chaos.Accounts;

[GenerateSerializer, Alias("chaos.UsernameState")]
public sealed class UsernameState
{
    /// <summary>The user holding this name; 0 while unclaimed.</summary>
    [Id(0)]
    public long UserId { get; set; }
}
