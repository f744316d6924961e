using ColumnCrypto.Testing;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>Test classes in this collection share one emulator (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class UsesKmsEmulator : ICollectionFixture<KmsEmulator>
{
    public const string Name = "KMS emulator";
}
