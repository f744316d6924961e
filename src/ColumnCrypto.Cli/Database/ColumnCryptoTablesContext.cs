using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.Cli.Database;

/// <summary>
/// A context whose model holds ColumnCrypto's own tables only: UseColumnEncryption adds the data key table (and, in
/// builds that have it, the encrypted-columns registry) by convention. The tool reads and writes the key table
/// through it and creates missing tables from its model, so it needs no SQL files on disk.
/// </summary>
internal sealed class ColumnCryptoTablesContext(DbContextOptions<ColumnCryptoTablesContext> options) : DbContext(options);
