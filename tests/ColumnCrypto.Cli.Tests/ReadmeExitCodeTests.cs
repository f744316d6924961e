using System.Reflection;
using System.Text.RegularExpressions;
using ColumnCrypto.Cli.Tests.Infrastructure;

namespace ColumnCrypto.Cli.Tests;

/// <summary>The README's exit-code table, the tool's --help and <see cref="ExitCodes"/> name the same codes.</summary>
public sealed class ReadmeExitCodeTests
{
    private static int[] Defined() =>
        [.. typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(int)).Select(f => (int)f.GetValue(null)!).Order()];

    private static int[] InReadme()
    {
        var readme = File.ReadAllLines(Repository.Path("README.md"));
        var header = Array.FindIndex(readme, l => l.StartsWith("| exit code | meaning |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md has no exit-code table ('| exit code | meaning |')");
        return [.. readme.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(l => int.Parse(l.Split('|')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }

    [Fact]
    public void The_README_table_lists_exactly_the_codes_the_tool_defines()
    {
        Assert.Equal(Defined(), InReadme());
    }

    [Fact]
    public async Task Help_lists_exactly_the_codes_the_tool_defines()
    {
        var folder = Directory.CreateTempSubdirectory("columncrypto-cli-help-").FullName;
        try
        {
            var help = await new CliRunner(folder).RunAsync("--help");
            var exitCodes = help.Output[help.Output.IndexOf("Exit codes:", StringComparison.Ordinal)..];
            var listed = Regex.Matches(exitCodes[..exitCodes.IndexOf("interrupted", StringComparison.Ordinal)], @"(?:^|[:;] )(\d+) ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Defined(), listed.Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
