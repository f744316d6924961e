namespace ColumnCrypto.Data.Registry;

/// <summary>
/// Records a set of encrypted columns in the registry: an EF Core context's model (registered by
/// <c>UseDbContextKeyStore&lt;TContext&gt;()</c>), or columns an ADO.NET or Dapper application declares. Every
/// registered recorder runs when the host starts and before every background re-encryption run, so operator tools
/// and re-encryption see the columns without the application's assembly.
/// </summary>
public interface IEncryptedColumnRecorder
{
    /// <summary>What records (a DbContext type, say), for logs.</summary>
    string Name { get; }

    /// <summary>Writes this recorder's columns to <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry of the database the columns are in.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the columns are recorded.</returns>
    Task RecordAsync(EncryptedColumnRegistry registry, CancellationToken cancellationToken);

    /// <summary>
    /// The columns this recorder records, without writing them: what the check that refuses a first data key over
    /// existing ciphertexts counts before the registry is written. By default none (only the registry is counted then).
    /// </summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The columns.</returns>
    Task<IReadOnlyList<EncryptedColumnRegistration>> GetColumnsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EncryptedColumnRegistration>>([]);
}
