namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Where the configured KMS key lives: its key id as configured, its region, and the endpoint the client calls. Every
/// error message names these three (never credentials), because they are what an operator checks first.
/// </summary>
internal sealed record AwsKmsKeyLocation(string KeyId, string Region, string? ServiceUrl)
{
    /// <summary>The endpoint in words: the override when one is set, else the region's public KMS endpoint.</summary>
    public string Endpoint => ServiceUrl ?? $"the AWS KMS endpoint of region {Region}";

    /// <summary>
    /// Whether a key named in a key-table row can be used through a client of this region. Key ids, aliases and
    /// alias names resolve in the client's region; an ARN names its own region, and KMS keys never cross regions.
    /// </summary>
    public bool IsReachable(string keyId)
    {
        if (!keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return true;
        }

        // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or ...:alias/NAME
        var parts = keyId.Split(':', 6);
        return parts.Length == 6 && string.Equals(parts[3], Region, StringComparison.Ordinal);
    }

    /// <summary>For messages: "key 'K' in region 'R' (endpoint E)".</summary>
    public string Describe(string keyId) => $"KMS key '{keyId}' in region '{Region}' ({Endpoint})";

    public override string ToString() => Describe(KeyId);
}
