namespace DataForge.Release.Card;

/// <summary>A bar chart: one bar per label with its count, in groups (e.g. a histogram per modality).</summary>
/// <param name="Id">Names the plot in the HTML (<c>data-plot</c>).</param>
/// <param name="Title">What is plotted, with its unit.</param>
/// <param name="Groups">Each group's name and its bars (label, value), in order.</param>
/// <param name="Note">A line under the plot (e.g. the ratios asked), or null.</param>
public sealed record CardPlot(string Id, string Title, IReadOnlyList<(string Name, IReadOnlyList<(string Label, double Value)> Bars)> Groups, string? Note = null) : CardBlock;
