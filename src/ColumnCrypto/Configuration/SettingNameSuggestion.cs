namespace ColumnCrypto.Configuration;

/// <summary>Finds the known name a misspelled setting name most likely meant.</summary>
internal static class SettingNameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/>, or null when none is close: a case-only difference wins,
    /// then the smallest edit distance (a swap of two letters counts as one edit), up to about a third of the name.
    /// </summary>
    public static string? FindClosest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(name, candidate, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }

            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var allowed = Math.Clamp(name.Length / 3, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("Lenght" → "Length" is one edit).
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
