using System.Globalization;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// The KMS encryption context that binds a wrapped data key to its key-table row. KMS authenticates it with the
/// ciphertext, so Decrypt with the context of another row (a wrapped key moved to another version) fails with
/// InvalidCiphertextException. The context is not secret: CloudTrail logs it, which also makes each Decrypt
/// attributable to a key version.
/// </summary>
internal static class AwsKmsEncryptionContext
{
    public const string PurposeKey = "columncrypto:purpose";
    public const string KeyVersionKey = "columncrypto:key-version";

    public static Dictionary<string, string> For(KeyWrapContext context) => new(StringComparer.Ordinal)
    {
        [PurposeKey] = context.Purpose,
        [KeyVersionKey] = context.KeyVersion.ToString(CultureInfo.InvariantCulture),
    };
}
