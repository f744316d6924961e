using System.Text.RegularExpressions;

namespace ColumnCrypto.DocumentationTests;

/// <summary>One fenced code block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the block's first code line.</param>
/// <param name="Language">The fence's language (<c>csharp</c>, <c>bash</c>, ...).</param>
/// <param name="Code">The code, as a reader copies it.</param>
public sealed record CodeBlock(string File, int Line, string Language, string Code)
{
    /// <summary>
    /// A whole program: a C# block that starts with its package list (<c>// dotnet add package A; dotnet add package B</c>).
    /// Every other C# block is a fragment, compiled inside a harness.
    /// </summary>
    public bool IsProgram => Code.StartsWith("// dotnet add package ", StringComparison.Ordinal);

    /// <summary>The packages of a whole program's first line, in order.</summary>
    public IReadOnlyList<string> Packages => IsProgram
        ? [.. Regex.Matches(Code[..Code.IndexOf('\n', StringComparison.Ordinal)], @"dotnet add package ([\w.]+)").Select(m => m.Groups[1].Value)]
        : [];

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Reads the fenced code blocks of Markdown files.</summary>
public static class MarkdownCode
{
    public static IReadOnlyList<CodeBlock> Read(string relativePath)
    {
        var lines = File.ReadAllLines(Repository.Path(relativePath));
        var blocks = new List<CodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal) || fence.Length == 3)
            {
                continue;
            }

            var indent = lines[i].Length - fence.Length;
            var language = fence[3..].Trim();
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            var code = string.Join('\n', lines[start..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
            blocks.Add(new CodeBlock(relativePath, start + 1, language, code + "\n"));
            i = end;
        }

        return blocks;
    }

    /// <summary>The C# blocks of the repository README and of every package's README.</summary>
    public static IReadOnlyList<CodeBlock> AllCSharp() =>
        [.. new[] { "README.md" }
            .Concat(Directory.GetFiles(Repository.Path("src"), "README.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Repository.Root, f)).Order(StringComparer.Ordinal))
            .SelectMany(Read)
            .Where(b => b.Language == "csharp")];
}
