using ColumnCrypto.Data.Registry;

namespace ColumnCrypto.Dapper;

/// <summary>An <see cref="EncryptedColumn{T}"/> of any value type, as <c>AddDapperColumns</c> takes them.</summary>
public interface IEncryptedColumnHandle
{
    /// <summary>The column as the encrypted-column registry records it.</summary>
    EncryptedColumnRegistration Registration { get; }

    /// <summary>Registers Dapper's type handler for the column's <see cref="Encrypted{T}"/>.</summary>
    internal void RegisterTypeHandler();
}
