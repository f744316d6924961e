using System.Globalization;

namespace ColumnCrypto.Keys.Integrity;

/// <summary>
/// What is wrong with a key table, in words an operator can act on: rows (data key rows and blind-index key rows alike) whose status ColumnCrypto never writes,
/// duplicated versions and negative encryption counts (whatever the ring head says), and every difference between the
/// rows and the entries of an authenticated ring head (a row missing, added, re-statused or replaced), or, before a
/// table has a ring head, versions missing from the sequence.
/// </summary>
internal static class KeyRingCheck
{
    /// <summary>Problems visible in the rows alone (data key rows, then blind-index key rows).</summary>
    public static List<string> OfRows(DataKeyTableSnapshot table) =>
        [.. OfRows(table.Rows, DataKeys), .. OfRows(table.BlindIndexKeys, BlindIndexKeys)];

    /// <summary>Differences between the rows and the entries of an authenticated head, for both kinds of key rows.</summary>
    public static List<string> AgainstHead(DataKeyTableSnapshot table, IReadOnlyList<KeyRingEntry> entries) =>
        [.. AgainstHead(table.Rows, entries, DataKeys), .. AgainstHead(table.BlindIndexKeys, entries, BlindIndexKeys)];

    /// <summary>
    /// For a table without a ring head: data key versions missing from 1..highest (ColumnCrypto never skips nor deletes
    /// one), and blind-index key rows next to data key rows (ColumnCrypto writes index keys only under a ring head). Index
    /// keys left beside an emptied key table are the lost-key-table case instead: no first data key is created over
    /// existing values, and 'new-key-ring' carries the index keys (which must still unwrap and match their
    /// commitments) into the new ring.
    /// </summary>
    public static List<string> WithoutHead(DataKeyTableSnapshot table)
    {
        var problems = Gaps(table.Rows);
        if (table.BlindIndexKeys.Count > 0 && table.Rows.Count > 0)
        {
            problems.Add(Invariant($"{table.BlindIndexKeys.Count} blind-index key row(s) exist but there is no ring head (ColumnCrypto writes index keys only under one): the ring head was deleted, or the rows were added"));
        }

        return problems;
    }

    // What the messages call each kind of row; data key rows are just "version N" (the key table's own rows).
    private const string DataKeys = "version";
    private const string BlindIndexKeys = "blind-index key version";

    private static List<string> OfRows(IReadOnlyList<DataKeyRecord> rows, string kind)
    {
        var problems = new List<string>();
        foreach (var row in rows.Where(r => !Enum.IsDefined(r.Status)))
        {
            problems.Add(Invariant($"{kind} {row.Version} has status {(int)row.Status}, which ColumnCrypto never writes (0 active, 1 retired, 2 destroyed)"));
        }

        foreach (var duplicate in rows.GroupBy(r => r.Version).Where(g => g.Count() > 1))
        {
            problems.Add(Invariant($"{kind} {duplicate.Key} appears {duplicate.Count()} times"));
        }

        foreach (var row in rows.Where(r => r.EncryptionCount < 0))
        {
            problems.Add(Invariant($"{kind} {row.Version} has encryption_count {row.EncryptionCount}, below zero (which would disable the encryption bound)"));
        }

        return problems;
    }

    private static List<string> AgainstHead(IReadOnlyList<DataKeyRecord> rows, IReadOnlyList<KeyRingEntry> entries, string kind)
    {
        var problems = new List<string>();
        var purpose = kind == DataKeys ? Wrapping.KeyWrapContext.DataKeyPurpose : Wrapping.KeyWrapContext.BlindIndexKeyPurpose;
        var byVersion = rows.GroupBy(r => r.Version).ToDictionary(g => g.Key, g => g.First());
        var recorded = entries.Where(e => e.Purpose == purpose).ToList();
        foreach (var entry in recorded)
        {
            var status = KeyRingManifest.StatusName(entry.Status);
            if (!byVersion.TryGetValue(entry.Version, out var row))
            {
                problems.Add(Invariant($"{kind} {entry.Version} is missing (the ring head records it as {status}): deleted"));
            }
            else if (!row.Commitment.AsSpan().SequenceEqual(entry.Commitment))
            {
                problems.Add(Invariant($"{kind} {entry.Version} is not the key the ring head records (its commitment differs): replaced"));
            }
            else if (row.Status != entry.Status && Enum.IsDefined(row.Status))
            {
                problems.Add(Invariant($"{kind} {entry.Version} is {KeyRingManifest.StatusName(row.Status)}, but the ring head records it as {status}: re-statused"));
            }
        }

        foreach (var row in byVersion.Values.Where(r => recorded.All(e => e.Version != r.Version)))
        {
            problems.Add(Invariant($"{kind} {row.Version} is not in the ring head: added"));
        }

        return problems;
    }

    private static List<string> Gaps(IReadOnlyList<DataKeyRecord> rows)
    {
        var present = rows.Select(r => r.Version).ToHashSet();
        var highest = present.Count == 0 ? 0 : present.Max();
        var missing = Enumerable.Range(1, Math.Max(0, highest)).Where(v => !present.Contains(v)).ToList();
        return missing.Count == 0
            ? []
            : [Invariant($"version{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} {(missing.Count > 1 ? "are" : "is")} missing below version {highest} (ColumnCrypto never skips or deletes a version): deleted")];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
