using ColumnCrypto.Data.Registry;

namespace ColumnCrypto.Dapper;

/// <summary>Records the columns given to <c>AddDapperColumns</c> in the registry.</summary>
internal sealed class DapperColumnRecorder(IReadOnlyList<EncryptedColumnRegistration> columns) : IEncryptedColumnRecorder
{
    public string Name => "AddDapperColumns";

    public Task RecordAsync(EncryptedColumnRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.RegisterAsync(columns, Name, cancellationToken);
    }
}
