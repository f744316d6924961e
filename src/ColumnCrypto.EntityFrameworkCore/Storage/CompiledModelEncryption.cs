using System.ComponentModel;

namespace ColumnCrypto.EntityFrameworkCore.Storage;

/// <summary>
/// What the value converters of an EF Core compiled model (<c>dotnet ef dbcontext optimize</c>) hold for encrypted
/// properties: generated code cannot hold an encryptor, so it is generated with these placeholders, and
/// <c>UseColumnEncryption</c> replaces them by converters bound to the context's encryptor when the context starts.
/// Called by generated code only; a call means the compiled model was used without <c>UseColumnEncryption</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CompiledModelEncryption
{
    /// <summary>Fails, naming the column: the compiled model's encrypted property was not bound to an encryptor.</summary>
    /// <typeparam name="TIn">The value's type.</typeparam>
    /// <typeparam name="TOut">The converted type.</typeparam>
    /// <param name="value">The value (never converted).</param>
    /// <param name="column">The encrypted column, <c>table.column</c>.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public static TOut Unbound<TIn, TOut>(TIn value, string column) => throw new InvalidOperationException(
        $"The encrypted property stored in {column} comes from a compiled model that is not bound to ColumnCrypto: configure the context with " +
        "UseColumnEncryption(...) as well as UseModel(...); it binds the compiled model's encrypted properties to its encryptor when the context starts.");
}
