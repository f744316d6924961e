using System.Linq.Expressions;
using ColumnCrypto.EntityFrameworkCore.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ColumnCrypto.EntityFrameworkCore.Storage;

/// <summary>Marks the converters of encrypted properties, so queries can recognise encrypted columns.</summary>
internal interface IEncryptedValueConverter
{
    EncryptedColumn Column { get; }

    /// <summary>The property's blind index when it is searchable, else null.</summary>
    SearchableProperty? Searchable { get; }
}

/// <summary>
/// Stores values as binary ciphertext (bytea / BLOB). Nulls never reach it: EF keeps null as null. With
/// <paramref name="allowPlaintextReads"/> (a plaintext migration) a stored value without ColumnCrypto's header is read as
/// legacy plaintext instead of failing.
/// </summary>
internal sealed class EncryptedBinaryConverter<T>(ColumnEncryptor encryptor, EncryptedColumn column, bool allowPlaintextReads, SearchableProperty? searchable)
    : ValueConverter<T, byte[]>(
        CompiledModelPlaceholder.IsGenerating ? CompiledModelPlaceholder.For<T, byte[]>(column) : ToProvider(encryptor, column),
        CompiledModelPlaceholder.IsGenerating ? CompiledModelPlaceholder.For<byte[], T>(column) : FromProvider(encryptor, column, allowPlaintextReads)),
      IEncryptedValueConverter
{
    public EncryptedColumn Column => column;

    public SearchableProperty? Searchable => searchable;

    private static Expression<Func<T, byte[]>> ToProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        value => encryptor.Encrypt(column, value)!;

    private static Expression<Func<byte[], T>> FromProvider(ColumnEncryptor encryptor, EncryptedColumn column, bool allowPlaintextReads) =>
        allowPlaintextReads
            ? stored => PlaintextTolerantRead.FromBinary<T>(encryptor, column, stored)
            : stored => encryptor.Decrypt<T>(column, stored)!;
}

/// <summary>Stores values as base64 ciphertext, for columns that must stay text; see <see cref="EncryptedBinaryConverter{T}"/>.</summary>
internal sealed class EncryptedBase64Converter<T>(ColumnEncryptor encryptor, EncryptedColumn column, bool allowPlaintextReads, SearchableProperty? searchable)
    : ValueConverter<T, string>(
        CompiledModelPlaceholder.IsGenerating ? CompiledModelPlaceholder.For<T, string>(column) : ToProvider(encryptor, column),
        CompiledModelPlaceholder.IsGenerating ? CompiledModelPlaceholder.For<string, T>(column) : FromProvider(encryptor, column, allowPlaintextReads)),
      IEncryptedValueConverter
{
    public EncryptedColumn Column => column;

    public SearchableProperty? Searchable => searchable;

    private static Expression<Func<T, string>> ToProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        value => encryptor.EncryptToBase64(column, value)!;

    private static Expression<Func<string, T>> FromProvider(ColumnEncryptor encryptor, EncryptedColumn column, bool allowPlaintextReads) =>
        allowPlaintextReads
            ? stored => PlaintextTolerantRead.FromText<T>(encryptor, column, stored)
            : stored => encryptor.DecryptFromBase64<T>(column, stored)!;
}

/// <summary>
/// The converter expressions of a model built by the EF Core tools (<see cref="EF.IsDesignTime"/>): a compiled model
/// generated from it must hold only code, so its encrypted properties hold a call of
/// <see cref="CompiledModelEncryption.Unbound{TIn, TOut}"/> with the column's name, replaced at start-up (see
/// <c>CompiledModelBinder</c>). Migrations never convert values, so they are unaffected.
/// </summary>
internal static class CompiledModelPlaceholder
{
    public static bool IsGenerating => EF.IsDesignTime;

    public static Expression<Func<TIn, TOut>> For<TIn, TOut>(EncryptedColumn column)
    {
        var value = Expression.Parameter(typeof(TIn), "value");
        var call = (MethodCallExpression)((Expression<Func<TIn, TOut>>)(v => CompiledModelEncryption.Unbound<TIn, TOut>(v, ""))).Body;
        return Expression.Lambda<Func<TIn, TOut>>(Expression.Call(call.Method, value, Expression.Constant(column.ToString())), value);
    }
}

/// <summary>Creates the converter for a property's CLR type (nullable value types use their underlying type).</summary>
internal static class EncryptedValueConverterFactory
{
    public static ValueConverter Create(Type propertyType, EncryptedStorage storage, ColumnEncryptor encryptor, EncryptedColumn column, bool allowPlaintextReads = false, SearchableProperty? searchable = null)
    {
        var modelType = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        var converterType = storage == EncryptedStorage.Base64Text ? typeof(EncryptedBase64Converter<>) : typeof(EncryptedBinaryConverter<>);
        return (ValueConverter)Activator.CreateInstance(converterType.MakeGenericType(modelType), encryptor, column, allowPlaintextReads, searchable)!;
    }
}
