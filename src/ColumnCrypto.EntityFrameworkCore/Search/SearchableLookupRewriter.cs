using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace ColumnCrypto.EntityFrameworkCore.Search;

/// <summary>
/// Turns equality lookups on searchable properties into lookups on their blind indexes, in the LINQ tree before EF
/// translates it. A comparison <c>c.Email == value</c> (either operand order, <c>!=</c>, <c>Equals</c>) becomes
/// <c>indexes.Contains(EF.Property&lt;byte[]&gt;(c, "Email_bidx"))</c>, and <c>values.Contains(c.Email)</c> the same
/// with the indexes of every value, where <c>indexes</c> is a runtime parameter: the indexes are computed from the
/// query's own parameter each time the query runs (one per active index key, so lookups keep working while an index
/// rebuild runs), never when it is compiled, so the cached query is right for every value. <c>ExecuteUpdate</c> that
/// sets a searchable property gets a second setter for its index. Only values from the application are rewritten;
/// anything else on an encrypted column (a comparison with another column, ordering, LIKE) is left for the query
/// guard to refuse.
/// </summary>
internal sealed class SearchableLookupRewriter(QueryCompilationContext context) : ExpressionVisitor
{
    // Methods taken from lambdas rather than by reflection, so the trimmer sees them.
    private static readonly MethodInfo IndexProperty = MethodOf<object, byte[]>(row => EF.Property<byte[]>(row, ""));
    private static readonly MethodInfo ContainsIndex = MethodOf<IEnumerable<byte[]>, bool>(indexes => indexes.Contains(Array.Empty<byte>()));
    private static readonly MethodInfo ParameterItem = MethodOf<QueryContext, object?>(query => query.Parameters[""]);
    private static readonly MethodInfo ForLookupSlot = typeof(SearchableProperty).GetMethod(nameof(SearchableProperty.ForLookupSlot))!;
    private static readonly MethodInfo ForLookupMany = typeof(SearchableProperty).GetMethod(nameof(SearchableProperty.ForLookupMany))!;
    private static readonly MethodInfo ForWrite = typeof(SearchableProperty).GetMethod(nameof(SearchableProperty.ForWrite))!;
    private static readonly PropertyInfo Parameters = typeof(QueryContext).GetProperty(nameof(QueryContext.Parameters))!;

    private static MethodInfo MethodOf<TIn, TOut>(Expression<Func<TIn, TOut>> call) => ((MethodCallExpression)call.Body).Method;
    private static readonly ConstructorInfo SetterTuple = typeof(Tuple<Delegate, object>).GetConstructor([typeof(Delegate), typeof(object)])!;

    private int _parameters;

    private readonly record struct Target(Expression Instance, SearchableProperty Searchable);

    protected override Expression VisitBinary(BinaryExpression node)
    {
        if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual)
        {
            var negate = node.NodeType == ExpressionType.NotEqual;
            if (TryMatch(node.Left, out var target) && ClientValue(node.Right) is { } right)
            {
                return Lookup(target, right, negate);
            }

            if (TryMatch(node.Right, out target) && ClientValue(node.Left) is { } left)
            {
                return Lookup(target, left, negate);
            }
        }

        return base.VisitBinary(node);
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var method = node.Method;
        switch (node)
        {
            // values.Contains(c.Email), as Enumerable.Contains or a collection's own Contains.
            case { Object: null, Arguments: [var source, var item] } when method.Name == nameof(Enumerable.Contains) && method.DeclaringType == typeof(Enumerable)
                && TryMatch(item, out var target) && ClientCollection(source) is { } values:
                return LookupMany(target, values);
            case { Object: { } collection, Arguments: [var item] } when method.Name == nameof(ICollection<>.Contains) && typeof(IEnumerable).IsAssignableFrom(collection.Type)
                && collection.Type != typeof(string) && TryMatch(item, out var target) && ClientCollection(collection) is { } values:
                return LookupMany(target, values);

            // c.Email.Equals(value) and Equals(c.Email, value).
            case { Object: { } instance, Arguments: [var other] } when method.Name == nameof(Equals) && TryMatch(instance, out var target) && ClientValue(other) is { } value:
                return Lookup(target, value, negate: false);
            case { Object: null, Arguments: [var first, var second] } when method.Name == nameof(Equals) && method.DeclaringType == typeof(object):
                if (TryMatch(first, out var left) && ClientValue(second) is { } secondValue)
                {
                    return Lookup(left, secondValue, negate: false);
                }

                if (TryMatch(second, out var right) && ClientValue(first) is { } firstValue)
                {
                    return Lookup(right, firstValue, negate: false);
                }

                break;

            // ExecuteUpdate(setters): the form EF builds from an UpdateSettersBuilder.
            case { Arguments: [var query, NewArrayExpression setters] } when method.Name == nameof(EntityFrameworkQueryableExtensions.ExecuteUpdate)
                && method.DeclaringType == typeof(EntityFrameworkQueryableExtensions) && method.GetParameters()[1].ParameterType == typeof(IReadOnlyList<ITuple>):
                return node.Update(null, [Visit(query), WithIndexSetters(setters)]);
        }

        return base.VisitMethodCall(node);
    }

    /// <summary>Whether <paramref name="expression"/> reads a searchable property of an entity (through casts the compiler added).</summary>
    private bool TryMatch(Expression expression, out Target target)
    {
        target = default;
        var stripped = StripConvert(expression);
        var (instance, name) = stripped switch
        {
            MemberExpression { Expression: { } owner } member => (owner, member.Member.Name),
            MethodCallExpression { Method.Name: nameof(EF.Property), Method.DeclaringType: var type, Arguments: [var owner, ConstantExpression { Value: string propertyName }] }
                when type == typeof(EF) => (StripConvert(owner), propertyName),
            _ => (null, null),
        };
        if (instance is null || EntityType(instance.Type)?.FindProperty(name!) is not { } property
            || (property.GetValueConverter() as IEncryptedValueConverter)?.Searchable is not { } searchable)
        {
            return false;
        }

        target = new Target(instance, searchable);
        return true;
    }

    private IEntityType? EntityType(Type type)
    {
        var model = context.Model;
        // By CLR type over the model's entity types (FindEntityType(Type) asks the trimmer to keep the type's members).
        var types = model.GetEntityTypes().Where(e => e.ClrType == type).ToList();
        return types.FirstOrDefault(e => !e.HasSharedClrType) ?? (types is [var single] ? single : null);
    }

    /// <summary>The value side when it comes from the application (a query parameter or a constant, maybe cast); null otherwise, and for a null constant (EF tests that with IS NULL).</summary>
    private static Expression? ClientValue(Expression expression) => StripConvert(expression) switch
    {
        QueryParameterExpression => expression,
        ConstantExpression { Value: not null } => expression,
        _ => null,
    };

    /// <summary>A collection from the application, as an expression of the query context yielding an <see cref="IEnumerable"/> of values.</summary>
    private static Func<SearchableProperty, Expression>? ClientCollection(Expression expression) => StripConvert(expression) switch
    {
        QueryParameterExpression parameter => _ => Expression.Convert(ParameterValue(parameter), typeof(IEnumerable)),
        ConstantExpression { Value: IEnumerable } constant => _ => Expression.Convert(constant, typeof(IEnumerable)),
        NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array when array.Expressions.All(e => ClientValue(e) is not null) =>
            searchable => Expression.NewArrayInit(typeof(object), array.Expressions.Select(e => Boxed(e, searchable))),

        // Inline collections EF keeps as they are written: new List<T>() and new List<T> { a, b }.
        NewExpression { Arguments.Count: 0 } empty when typeof(IEnumerable).IsAssignableFrom(empty.Type) =>
            _ => Expression.Constant(Array.Empty<object>(), typeof(IEnumerable)),
        ListInitExpression { NewExpression.Arguments.Count: 0 } list when list.Initializers.All(i => i.Arguments is [var e] && ClientValue(e) is not null) =>
            searchable => Expression.NewArrayInit(typeof(object), list.Initializers.Select(i => Boxed(i.Arguments[0], searchable))),
        _ => null,
    };

    /// <summary>
    /// <c>index == @slot0 || (@slot1 != null &amp;&amp; index == @slot1)</c>: one scalar parameter per active index key
    /// version. With one active key (always, except during an index-key rotation) @slot1 is null and EF, which shapes
    /// its SQL by which parameters are null, sends <c>WHERE email_bidx = @p</c>: the plaintext lookup's plan and cost.
    /// </summary>
    private Expression Lookup(Target target, Expression value, bool negate)
    {
        Expression? lookup = null;
        for (var slot = 0; slot < SearchableProperty.LookupSlots; slot++)
        {
            var index = Register(target, Expression.Call(Expression.Constant(target.Searchable), ForLookupSlot, QueryCompilationContext.QueryContextParameter,
                Boxed(value, target.Searchable), Expression.Constant(slot)));
            Expression equal = Expression.Equal(IndexOf(target), index);
            lookup = lookup is null ? equal : Expression.OrElse(lookup, Expression.AndAlso(Expression.NotEqual(index, Expression.Constant(null, typeof(byte[]))), equal));
        }

        return negate ? Expression.Not(lookup!) : lookup!;
    }

    private MethodCallExpression LookupMany(Target target, Func<SearchableProperty, Expression> values)
    {
        var indexes = Register(target, Expression.Call(Expression.Constant(target.Searchable), ForLookupMany, QueryCompilationContext.QueryContextParameter, values(target.Searchable)));
        return Expression.Call(ContainsIndex, indexes, IndexOf(target));
    }

    /// <summary>Adds, for each setter of a searchable property, a setter of its index computed from the same value.</summary>
    private NewArrayExpression WithIndexSetters(NewArrayExpression setters)
    {
        var all = new List<Expression>(setters.Expressions);
        foreach (var setter in setters.Expressions)
        {
            if (setter is not NewExpression { Arguments: [LambdaExpression property, var value] } || !TryMatch(property.Body, out var target))
            {
                continue;
            }

            var newValue = StripConvert(value) is LambdaExpression lambda ? lambda.Body : value;
            if (ClientValue(newValue) is null)
            {
                throw new InvalidOperationException(
                    $"This ExecuteUpdate sets the searchable encrypted column {target.Searchable.Column.Column} to a value computed in the database, so its blind index " +
                    "cannot be computed with it. Set it to a value from the application (SetProperty(c => c.Property, value)), or load the rows and SaveChanges.");
            }

            var index = Register(target, Expression.Call(Expression.Constant(target.Searchable), ForWrite, Boxed(newValue, target.Searchable)));
            var row = property.Parameters[0];
            all.Add(Expression.New(SetterTuple, Expression.Lambda(Expression.Call(IndexProperty, row, Expression.Constant(target.Searchable.IndexProperty)), row), index));
        }

        return setters.Update(all);
    }

    private QueryParameterExpression Register(Target target, Expression value) =>
        context.RegisterRuntimeParameter($"{target.Searchable.IndexProperty}_{_parameters++}", Expression.Lambda(value, QueryCompilationContext.QueryContextParameter));

    private static MethodCallExpression IndexOf(Target target) =>
        Expression.Call(IndexProperty, target.Instance, Expression.Constant(target.Searchable.IndexProperty));

    /// <summary>The value, read from the query context at run time, cast to the property's type where the compiler widened it (enums), boxed.</summary>
    private static UnaryExpression Boxed(Expression value, SearchableProperty searchable)
    {
        var read = new ParameterReader().Visit(value);
        Expression typed;
        try
        {
            typed = read.Type == searchable.ClrType ? read : Expression.Convert(read, searchable.ClrType);
        }
        catch (InvalidOperationException)
        {
            typed = read; // no conversion the compiler knows: SearchableProperty converts the boxed value
        }

        return Expression.Convert(typed, typeof(object));
    }

    private static MethodCallExpression ParameterValue(QueryParameterExpression parameter) =>
        Expression.Call(Expression.Property(QueryCompilationContext.QueryContextParameter, Parameters), ParameterItem, Expression.Constant(parameter.Name));

    private static Expression StripConvert(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Quote } unary)
        {
            expression = unary.Operand;
        }

        return expression;
    }

    /// <summary>Replaces query parameters by their value in the query context (the runtime parameter's lambda cannot hold them).</summary>
    private sealed class ParameterReader : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node) =>
            node is QueryParameterExpression parameter ? Expression.Convert(ParameterValue(parameter), parameter.Type) : base.VisitExtension(node);
    }
}
