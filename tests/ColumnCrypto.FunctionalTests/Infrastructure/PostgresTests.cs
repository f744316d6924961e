using ColumnCrypto.Testing;

namespace ColumnCrypto.FunctionalTests.Infrastructure;

/// <summary>Test classes in this collection share one PostgreSQL server (each test creates its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
