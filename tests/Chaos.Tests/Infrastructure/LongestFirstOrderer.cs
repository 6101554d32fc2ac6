using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Chaos.Tests.Infrastructure.LongestFirstOrderer", "Chaos.Tests")]

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Starts the collections marked <see cref="StartsEarlyAttribute"/> first, the longest (its <c>Minutes</c>) first. xunit
/// runs at most <c>maxParallelThreads</c> tests at once and otherwise starts collections in an arbitrary (hash) order, so
/// a collection of several minutes started last would run on alone while the other slots sit idle.
/// </summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    private const string ImplicitPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(Minutes).ThenBy(c => c.UniqueID);

    /// <summary>The collection's <see cref="StartsEarlyAttribute.Minutes"/>, or 0 when it is not marked.</summary>
    private static int Minutes(ITestCollection collection)
    {
        var type = (collection.CollectionDefinition as IReflectionTypeInfo)?.Type;
        if (type is null && collection.DisplayName.StartsWith(ImplicitPrefix, StringComparison.Ordinal))
        {
            // A class without [Collection] is a collection of its own, named after the class.
            type = (collection.TestAssembly.Assembly as IReflectionAssemblyInfo)?.Assembly.GetType(collection.DisplayName[ImplicitPrefix.Length..]);
        }

        return type?.GetCustomAttribute<StartsEarlyAttribute>()?.Minutes ?? 0;
    }
}
