using System.CommandLine;
using System.Security.Cryptography;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Kms.Aws;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// <c>rewrap --to-key-id ID | --to-local</c>: re-wraps every data key under another key-encryption key (a master-key
/// change). Values are not touched. Each row is verified before it is written; an interrupted rewrap resumes when run
/// again. Keep the old key configured until it finishes: it unwraps the rows still on it.
/// </summary>
internal sealed class RewrapCommand
{
    public static Command Create(CommandRunner runner)
    {
        var toKeyId = new Option<string?>("--to-key-id")
        {
            Description = "Rewrap under this AWS KMS key (key id, ARN or alias), in the region and with the credentials of plugins.awsKms in --config.",
        };
        var toLocal = new Option<bool>("--to-local")
        {
            Description = "Rewrap under the local master key (masterKey.file, COLUMNCRYPTO_MASTER_KEY, or .columncrypto/master.key), e.g. to leave KMS.",
        };
        var command = new Command("rewrap",
            "Re-wrap all data keys under another master key: an AWS KMS key (--to-key-id) or the local master key (--to-local). Values are not " +
            "re-encrypted. Resumable: run it again after an interruption.")
        {
            toKeyId,
            toLocal,
        };
        command.Validators.Add(result =>
        {
            var hasKeyId = result.GetValue(toKeyId) is not null;
            if (hasKeyId == result.GetValue(toLocal))
            {
                result.AddError("Give exactly one of --to-key-id ID or --to-local");
            }
        });
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            parseResult,
            (session, ct) => ExecuteAsync(session, parseResult.GetValue(toKeyId), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliSession session, string? toKeyId, CancellationToken cancellationToken)
    {
        var configuration = session.Configuration;
        if (toKeyId is not null)
        {
            // The KMS key named on the command line becomes the configured one: same region and credentials. Recorded
            // before anything builds the services' options, so they get it too.
            if (configuration.Options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName) is null)
            {
                throw CliException.Configuration(
                    "rewrap --to-key-id needs the AWS KMS settings (plugins.awsKms with region, and credentials if not from an IAM role) in the file given with --config.");
            }

            configuration.Change(options =>
            {
                var kms = options.Plugins.GetOrAdd<AwsKmsOptions>(AwsKmsOptions.SectionName);
                kms.Plugin ??= AwsKmsOptions.SectionName;
                kms.IsKms = true;
                kms.KeyId = toKeyId;
            });
        }

        await session.RequireKeyTableAsync(cancellationToken).ConfigureAwait(false);
        var rewrap = session.Lifecycle;
        IKeyWrapper target;
        byte[]? localKey = null;
        if (toKeyId is not null)
        {
            target = rewrap.ConfiguredKey;
        }
        else
        {
            var local = configuration.LocalMasterKey;
            if (!local.Exists)
            {
                throw local.Missing(configuration.Options);
            }

            localKey = local.Read();
            target = RewrapTargets.LocalMasterKey(localKey);
        }

        DataKeyRewrapResult result;
        try
        {
            result = await rewrap.RewrapAsync(target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (localKey is not null)
            {
                CryptographicOperations.ZeroMemory(localKey);
            }

            (target as IDisposable)?.Dispose();
        }

        var output = session.Output;
        output.Text($"Target: {target.Provider} key '{target.KeyId}'.");
        output.Text($"Rewrapped: {Versions(result.Rewrapped)}; already on the target: {Versions(result.AlreadyOnTarget)}; changed meanwhile: {Versions(result.ChangedMeanwhile)}.");
        output.Text(result.Complete
            ? "Every data key is now wrapped by the target. Configure the applications with it before removing the old key."
            : "Some rows changed while this ran (another rewrap?). Run the rewrap again to finish.");
        output.Document(new
        {
            ok = result.Complete,
            targetProvider = target.Provider,
            targetKeyId = target.KeyId,
            rewrapped = result.Rewrapped,
            alreadyOnTarget = result.AlreadyOnTarget,
            changedMeanwhile = result.ChangedMeanwhile,
        });
        return result.Complete ? ExitCodes.Success : ExitCodes.Error;
    }

    private static string Versions(IReadOnlyList<int> versions) => versions.Count == 0 ? "none" : string.Join(", ", versions);
}
