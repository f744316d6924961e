using ColumnCrypto.Configuration;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Tests.Support;

/// <summary>The options of <see cref="TestKmsPlugin"/>.</summary>
internal sealed class TestKmsOptions : ColumnCryptoPluginOptions
{
    public string? Vault { get; set; }

    public int Port { get; set; } = 8200;
}

/// <summary>
/// A second plugin, written only against the public plugin-author API, to show the core treats plugins generically:
/// settings with a nested section, a cross-setting rule, and a key wrapper made from its own options.
/// </summary>
internal sealed class TestKmsPlugin(string name = TestKmsPlugin.SectionName) : ColumnCryptoPlugin<TestKmsOptions>(name)
{
    public const string SectionName = "testKms";

    /// <summary>The options each created wrapper was made from.</summary>
    public List<TestKmsOptions> WrappersCreatedFrom { get; } = [];

    public override ColumnCryptoSettings<TestKmsOptions> Settings { get; } = new ColumnCryptoSettings<TestKmsOptions>()
        .Text("vault", "a vault name", "Set it to the vault that wraps data keys.", o => o.Vault, (o, v) => o.Vault = v)
        .WholeNumber("connection.port", "a port number from 1 to 65535", "Set it to the vault's port (default 8200).",
            o => o.Port, (o, v) => o.Port = v, v => v is > 0 and <= 65535);

    protected override void CheckRules(TestKmsOptions options, ConfigurationProblems problems)
    {
        if (options.IsKms && options.Vault is null)
        {
            problems.Add("vault", $"{problems.Name("vault")} is missing, but {problems.Name("isKms")} is true. Set it to the vault that wraps data keys.");
        }
    }

    protected override IKeyWrapper CreateKeyWrapper(TestKmsOptions options, IServiceProvider services)
    {
        WrappersCreatedFrom.Add(options);
        return new NamedWrapper(Name, options.Vault!);
    }

    /// <summary>A wrapper that is only ever named, never asked to wrap.</summary>
    private sealed class NamedWrapper(string provider, string keyId) : IKeyWrapper
    {
        public string Provider => provider;

        public string KeyId => keyId;

        public bool CanUnwrap(string provider, string keyId) => provider == Provider && keyId == KeyId;

        public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, KeyWrapContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, string keyId, KeyWrapContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
