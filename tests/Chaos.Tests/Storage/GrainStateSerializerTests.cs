using System.Text;
using Chaos.Hosting;
using Chaos.Tests.Accounts;
using Chaos.Tests.Infrastructure;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Chaos.Tests.Storage;

/// <summary>
/// The `$type` trap (docs/architecture.md#grain-state-serialization): grain state must not embed CLR type names, or renaming a state class orphans
/// every row. We store state with the Orleans serializer, which is keyed by field ids.
/// </summary>
[Collection(AccountsServer.Name)]
public sealed class GrainStateSerializerTests(ApiFixture fixture)
{
    [Fact]
    public void StateWrittenByAnOldClass_IsReadByItsRenamedSuccessor()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        var written = serializer.Serialize(new LegacyProfileState { Name = "ada", Friends = [1, 2, 3] });

        Encoding.UTF8.GetString(written).ShouldNotContain(nameof(LegacyProfileState));
        var read = serializer.Deserialize<RenamedProfileState>(written);
        read.ShouldNotBeNull();
        read.Name.ShouldBe("ada");
        read.Friends.ShouldBe([1L, 2L, 3L]);
        read.Level.ShouldBe(7);
    }

    [Fact]
    public async Task ConfiguredStorage_UsesTheOrleansSerializer_AndRowsCarryNoTypeNames()
    {
        var storage = fixture.Server.Services.GetRequiredKeyedService<IGrainStorage>(ChaosProviders.GrainStorage);
        storage.ShouldBeOfType<AdoNetGrainStorage>().Serializer.ShouldBeOfType<OrleansGrainStorageSerializer>();

        var user = await fixture.Server.RegisterAsync();
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT payloadbinary FROM orleansstorage WHERE graintypestring = 'user' AND grainidn1 = @id", connection);
        command.Parameters.AddWithValue("id", long.Parse(user.Id, System.Globalization.CultureInfo.InvariantCulture));
        var payload = (byte[])(await command.ExecuteScalarAsync())!;
        var text = Encoding.UTF8.GetString(payload);
        text.ShouldContain(user.Username);
        text.ShouldNotContain("$type");
        text.ShouldNotContain("Chaos.Accounts");
    }
}
