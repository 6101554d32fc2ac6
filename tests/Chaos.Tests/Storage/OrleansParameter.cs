using System.Data;

namespace Chaos.Tests.Storage;

/// <summary>
/// A parameter as the Orleans ADO.NET providers bind it: named without '@', DbType taken from the CLR type
/// (string → String, int → Int32, long → Int64, byte[] → Binary, DateTime → DateTime), null sent as DBNull.
/// </summary>
internal readonly record struct OrleansParameter(string Name, object? Value, DbType DbType)
{
    public static OrleansParameter Text(string name, string? value) => new(name, value, DbType.String);

    public static OrleansParameter Int(string name, int? value) => new(name, value, DbType.Int32);

    public static OrleansParameter Long(string name, long value) => new(name, value, DbType.Int64);

    public static OrleansParameter Bytes(string name, byte[] value) => new(name, value, DbType.Binary);

    public static OrleansParameter Time(string name, DateTime value)
    {
        // Orleans only ever sends UTC; anything else would test a path that never happens.
        value.Kind.ShouldBe(DateTimeKind.Utc);
        return new(name, value, DbType.DateTime);
    }
}
