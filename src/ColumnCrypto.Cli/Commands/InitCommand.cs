using System.CommandLine;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>init</c>: creates ColumnCrypto's tables when missing, generates a local master key file when no KMS and no
/// master key is configured, and creates the first data key. Safe to run again: it only adds what is missing.
/// </summary>
internal sealed class InitCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("init",
            "Create the data key table (and the encrypted-columns registry) if missing; when no KMS and no master key is configured, " +
            "generate a local master key file (0600) and say where; create the first data key. Running it again changes nothing that exists.");
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, ExecuteAsync, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, CancellationToken cancellationToken)
    {
        var configuration = session.Configuration;
        var database = session.Database;
        // A key folder that does not exist yet is created owner-only (0700) first, even when the SQLite file goes there too.
        configuration.MasterKey?.CreateFolderIfMissing();
        if (database.SqliteFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }

        var crypto = session.CryptoDatabase;
        var tables = ColumnCryptoTables.All.Select(crypto.DisplayName).ToList();
        var missing = await ColumnCryptoSchema.FindMissingTablesAsync(crypto, cancellationToken).ConfigureAwait(false);
        var keyTableMissing = missing.Contains(crypto.KeyTableDisplayName);

        string? generatedKey = null;
        if (configuration.MasterKey is { Exists: false } masterKey)
        {
            // A new master key is only right for a database without data keys: existing keys were wrapped by another one.
            // (Creating the missing tables first lets a key table of an earlier version, without its ring table, be read.)
            await ColumnCryptoSchema.CreateMissingTablesAsync(crypto, cancellationToken).ConfigureAwait(false);
            var existing = keyTableMissing ? 0 : (await session.KeyStore.ReadAsync(cancellationToken).ConfigureAwait(false)).Rows.Count;
            if (existing > 0)
            {
                throw CliException.Configuration(
                    $"The key table already holds {existing} data key(s), but the {masterKey.Description} does not exist, so they cannot be unwrapped. " +
                    "Configure the master key that wrapped them (masterKey.file or COLUMNCRYPTO_MASTER_KEY) or restore the file from its backup; " +
                    "init does not generate a new master key over existing data keys.");
            }

            masterKey.Generate();
            generatedKey = masterKey.File;
        }

        await ColumnCryptoSchema.CreateMissingTablesAsync(crypto, cancellationToken).ConfigureAwait(false);

        var before = (await session.KeyStore.ReadAsync(cancellationToken).ConfigureAwait(false)).Rows.Select(k => k.Version).ToHashSet();
        await session.Keys.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var keys = await session.Keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var created = keys.Where(k => !before.Contains(k.Version)).Select(k => k.Version).ToList();
        var current = await session.Keys.GetCurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        var newest = keys.Single(k => k.Version == current);

        var output = session.Output;
        output.Text($"Database: {database.DisplayName}");
        foreach (var table in tables)
        {
            output.Text(missing.Contains(table) ? $"Table {table}: created." : $"Table {table}: already present.");
        }

        if (generatedKey is not null)
        {
            output.Text($"Master key: generated {generatedKey} (permissions 0600).");
            output.Text("  Back this file up now and keep it apart from database backups: without it no data key can be unwrapped and no value decrypted.");
            output.Text($"  Give your application the same key: 'masterKey: {{ file: {generatedKey} }}' in its YAML, or COLUMNCRYPTO_MASTER_KEY=\"$(cat {generatedKey})\".");
        }
        else
        {
            output.Text($"Master key: {configuration.WrappingDescription} (existing).");
        }

        output.Text(created.Count > 0
            ? $"Data key: created version {string.Join(", ", created)}; new values are encrypted with version {current} (wrapped by {newest.WrappingProvider} key '{newest.WrappingKeyId}', rolls over at {newest.RollOverAt:u})."
            : $"Data keys: already present (versions {string.Join(", ", keys.Select(k => k.Version))}); new values are encrypted with version {current}.");

        output.Document(new InitResult(
            true,
            database.DisplayName,
            [.. tables.Where(missing.Contains)],
            [.. tables.Where(t => !missing.Contains(t))],
            generatedKey,
            configuration.WrappingDescription,
            created,
            current));
        return ExitCodes.Success;
    }

    private sealed record InitResult(
        bool Ok,
        string Database,
        IReadOnlyList<string> TablesCreated,
        IReadOnlyList<string> TablesPresent,
        string? MasterKeyGenerated,
        string Wrapping,
        IReadOnlyList<int> DataKeysCreated,
        int CurrentVersion);
}
