namespace DataForge.Release.Card;

/// <summary>One part of a card section; the HTML and Markdown writers render each kind in their own way.</summary>
public abstract record CardBlock;
