using System.Linq.Expressions;
using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;

namespace ColumnCrypto.EntityFrameworkCore.Query;

/// <summary>
/// Refuses queries that would make the database compare encrypted values. Each value has a random nonce, so
/// <c>WHERE email = @p</c>, <c>ORDER BY email</c>, <c>GROUP BY email</c>, <c>LIKE</c>, joins and DISTINCT on an
/// encrypted column would run and silently return wrong results. Projecting the column, and <c>IS NULL</c> /
/// <c>IS NOT NULL</c> tests (null stays null), remain allowed; equality lookups on searchable columns never reach it
/// (they were rewritten to their blind index before translation).
/// </summary>
internal sealed class EncryptedColumnQueryGuard(QueryTranslationPostprocessor inner, QueryTranslationPostprocessorDependencies dependencies, QueryCompilationContext context)
    : QueryTranslationPostprocessor(dependencies, context)
{
    public override Expression Process(Expression query)
    {
        var processed = inner.Process(query);
        new Visitor().Visit(processed);
        return processed;
    }

    private sealed class Visitor : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node)
        {
            switch (node)
            {
                case ShapedQueryExpression shaped:
                    Visit(shaped.QueryExpression);
                    return node;
                case SqlUnaryExpression { OperatorType: ExpressionType.Equal or ExpressionType.NotEqual, Operand: ColumnExpression }:
                    return node; // IS NULL / IS NOT NULL
                case SqlBinaryExpression { OperatorType: ExpressionType.Equal or ExpressionType.NotEqual } nullTest
                    when nullTest.Left is SqlConstantExpression { Value: null } || nullTest.Right is SqlConstantExpression { Value: null }:
                    return node; // '== null' before EF rewrites it to IS NULL
                case SqlUnaryExpression unary:
                    Refuse(unary.Operand, "uses");
                    break;
                case SqlBinaryExpression binary:
                    Refuse(binary.Left, "compares or computes with");
                    Refuse(binary.Right, "compares or computes with");
                    break;
                case LikeExpression like:
                    Refuse(like.Match, "matches with LIKE");
                    break;
                case InExpression @in:
                    Refuse(@in.Item, "tests with IN");
                    break;
                case SqlFunctionExpression function when function.Arguments is { } arguments:
                    foreach (var argument in arguments)
                    {
                        Refuse(argument, $"passes to the SQL function {function.Name}");
                    }

                    break;
                case OrderingExpression ordering:
                    Refuse(ordering.Expression, "orders by");
                    break;
                case SelectExpression select:
                    foreach (var grouping in select.GroupBy)
                    {
                        Refuse(grouping, "groups by");
                    }

                    if (select.IsDistinct)
                    {
                        foreach (var projection in select.Projection)
                        {
                            Refuse(projection.Expression, "applies DISTINCT to");
                        }
                    }

                    break;
            }

            return base.VisitExtension(node);
        }

        private static void Refuse(SqlExpression expression, string what)
        {
            if (expression is ColumnExpression { TypeMapping.Converter: IEncryptedValueConverter converter })
            {
                var searchable = converter.Searchable is not null
                    ? "The column is searchable, which allows only equality with values from the application (==, !=, Equals, values.Contains(column)), " +
                      "not comparisons with other columns, ranges, LIKE, ordering or grouping."
                    : "For equality lookups (==, !=, Contains, unique indexes), make the property searchable: [Encrypted(Searchable = true)] or " +
                      "IsEncrypted(searchable: true) adds a blind index (a keyed hash) that the database can compare.";
                throw new InvalidOperationException(
                    $"This query {what} the encrypted column {converter.Column}. Encrypted values are randomized, so the database " +
                    "cannot compare, order, group or match them and the query would silently return wrong results. " + searchable + " " +
                    "Otherwise load the rows and filter or sort them in memory (after AsEnumerable()). Projecting the column and testing it for null are allowed.");
            }
        }
    }
}
