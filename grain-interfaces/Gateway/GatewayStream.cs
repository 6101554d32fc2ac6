namespace Chaos.Gateway;

/// <summary>One stream of <see cref="Hosting.ChaosProviders.Streams"/>: a namespace and a key.</summary>
[GenerateSerializer, Immutable, Alias("chaos.GatewayStream")]
public sealed record GatewayStream([property: Id(0)] string Namespace, [property: Id(1)] long Key);
