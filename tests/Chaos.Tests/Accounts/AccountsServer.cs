using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Accounts;

/// <summary>
/// One front door shared by the account, hosting, storage and SDK REST tests: each test registers its own users.
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly]
public sealed class AccountsServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: accounts, hosting, storage";
}
