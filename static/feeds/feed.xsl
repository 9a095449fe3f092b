<?xml version="1.0" encoding="utf-8"?>
<!--
  Shows the portal's RSS 2.0 and Atom 1.0 feeds as a readable page when one is opened in a browser.

  Browsers apply it to feeds served as application/xml (initiatives/feeds.py serves that to requests preferring
  text/html). The Content Security Policy forbids inline scripts and styles: the page uses no script and links
  its stylesheet. Summaries arrive as escaped HTML; they are shown as plain text (tags dropped, entities decoded),
  never copied in as markup.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom"
                xmlns:dc="http://purl.org/dc/elements/1.1/"
                exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="lang">
      <xsl:choose>
        <xsl:when test="atom:feed/@xml:lang"><xsl:value-of select="atom:feed/@xml:lang"/></xsl:when>
        <xsl:when test="rss/channel/language"><xsl:value-of select="rss/channel/language"/></xsl:when>
        <xsl:otherwise>en</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <link rel="stylesheet" href="/static/feeds/feed.css"/>
      </head>
      <body>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <!-- The page around the items: what a feed is, its address to copy, a link to the same list on the site. -->
  <xsl:template name="page">
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="link"/>
    <xsl:param name="self"/>
    <xsl:param name="items"/>
    <header class="about">
      <div class="container">
        <p class="kicker">Web feed</p>
        <p>This is a feed: copy its address into a feed reader to hear of new initiatives as they are published.
          Nothing to install here, and no account needed.</p>
        <xsl:if test="$self">
          <p>
            <label for="feed-address">Feed address</label>
            <input id="feed-address" type="text" readonly="readonly" value="{$self}"/>
          </p>
        </xsl:if>
      </div>
    </header>
    <main class="container">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:if test="$description">
        <p class="lead"><xsl:value-of select="$description"/></p>
      </xsl:if>
      <p><a href="{$link}">See these initiatives on the portal</a></p>
      <xsl:choose>
        <xsl:when test="$items">
          <p class="count">
            <xsl:value-of select="count($items)"/>
            <xsl:choose>
              <xsl:when test="count($items) = 1"> initiative, </xsl:when>
              <xsl:otherwise> initiatives, </xsl:otherwise>
            </xsl:choose>
            newest first
          </p>
          <ol class="items">
            <xsl:apply-templates select="$items"/>
          </ol>
        </xsl:when>
        <xsl:otherwise>
          <p class="empty">No initiatives here yet. New ones will appear in this feed when they are published.</p>
        </xsl:otherwise>
      </xsl:choose>
    </main>
  </xsl:template>

  <xsl:template match="rss/channel">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="description" select="description"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
      <xsl:with-param name="items" select="item"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:feed">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="description" select="atom:subtitle"/>
      <xsl:with-param name="link" select="atom:link[@rel='alternate']/@href"/>
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
      <xsl:with-param name="items" select="atom:entry"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="item">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="date"/>
    <xsl:param name="author"/>
    <xsl:param name="summary"/>
    <xsl:param name="categories"/>
    <li class="item">
      <article>
        <h2><a href="{$link}"><xsl:value-of select="$title"/></a></h2>
        <p class="meta">
          <xsl:text>Published </xsl:text>
          <xsl:call-template name="date"><xsl:with-param name="value" select="$date"/></xsl:call-template>
          <xsl:if test="$author">
            <xsl:text> · shared by </xsl:text><xsl:value-of select="$author"/>
          </xsl:if>
        </p>
        <xsl:call-template name="paragraphs"><xsl:with-param name="html" select="string($summary)"/></xsl:call-template>
        <xsl:if test="$categories">
          <ul class="categories">
            <xsl:for-each select="$categories">
              <li><xsl:value-of select="."/></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
      </article>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="item">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="date" select="pubDate"/>
      <xsl:with-param name="author" select="dc:creator"/>
      <xsl:with-param name="summary" select="description"/>
      <xsl:with-param name="categories" select="category"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="item">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="atom:link[@rel='alternate']/@href"/>
      <xsl:with-param name="date" select="atom:published"/>
      <xsl:with-param name="author" select="atom:author/atom:name"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="categories" select="atom:category/@term"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "Tue, 03 Jun 2025 10:00:00 +0000" (RSS) or "2025-06-03T10:00:00+00:00" (Atom) as "3 Jun 2025". -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
    <xsl:choose>
      <xsl:when test="contains($value, ',')">
        <xsl:variable name="rest" select="normalize-space(substring-after($value, ','))"/>
        <xsl:variable name="day" select="substring-before($rest, ' ')"/>
        <xsl:variable name="month" select="substring(substring-after($rest, ' '), 1, 3)"/>
        <xsl:variable name="year" select="substring(substring-after(substring-after($rest, ' '), ' '), 1, 4)"/>
        <xsl:variable name="number" select="string-length(substring-before($months, $month)) div 3 + 1"/>
        <time datetime="{$year}-{format-number($number, '00')}-{format-number($day, '00')}">
          <xsl:value-of select="concat(number($day), ' ', $month, ' ', $year)"/>
        </time>
      </xsl:when>
      <xsl:when test="string-length($value) &gt;= 10">
        <xsl:variable name="number" select="number(substring($value, 6, 2))"/>
        <time datetime="{substring($value, 1, 10)}">
          <xsl:value-of
              select="concat(number(substring($value, 9, 2)), ' ', substring($months, $number * 3 - 2, 3), ' ', substring($value, 1, 4))"/>
        </time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The summary's paragraphs ("<p>…</p>", as Django's linebreaks writes them) as paragraphs of plain text. -->
  <xsl:template name="paragraphs">
    <xsl:param name="html"/>
    <xsl:choose>
      <xsl:when test="contains($html, '&lt;/p&gt;')">
        <xsl:call-template name="paragraph">
          <xsl:with-param name="html" select="substring-before($html, '&lt;/p&gt;')"/>
        </xsl:call-template>
        <xsl:call-template name="paragraphs">
          <xsl:with-param name="html" select="substring-after($html, '&lt;/p&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="paragraph"><xsl:with-param name="html" select="$html"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="paragraph">
    <xsl:param name="html"/>
    <xsl:variable name="text">
      <xsl:call-template name="strip-tags"><xsl:with-param name="html" select="$html"/></xsl:call-template>
    </xsl:variable>
    <xsl:if test="normalize-space($text)">
      <p class="summary">
        <xsl:call-template name="unescape"><xsl:with-param name="text" select="normalize-space($text)"/></xsl:call-template>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- Text outside tags; a tag (such as <br>) becomes a space. -->
  <xsl:template name="strip-tags">
    <xsl:param name="html"/>
    <xsl:choose>
      <xsl:when test="contains($html, '&lt;')">
        <xsl:value-of select="substring-before($html, '&lt;')"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="strip-tags">
          <xsl:with-param name="html" select="substring-after(substring-after($html, '&lt;'), '&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$html"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Decode the entities that Django's escape() writes (&amp; last, so that "&amp;lt;" stays "&lt;"). -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:variable name="lt">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$text"/>
        <xsl:with-param name="from" select="'&amp;lt;'"/>
        <xsl:with-param name="to" select="'&lt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="gt">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($lt)"/>
        <xsl:with-param name="from" select="'&amp;gt;'"/>
        <xsl:with-param name="to" select="'&gt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="quot">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($gt)"/>
        <xsl:with-param name="from" select="'&amp;quot;'"/>
        <xsl:with-param name="to" select="'&quot;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="apos">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($quot)"/>
        <xsl:with-param name="from" select="'&amp;#x27;'"/>
        <xsl:with-param name="to">'</xsl:with-param>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="replace">
      <xsl:with-param name="text" select="string($apos)"/>
      <xsl:with-param name="from" select="'&amp;amp;'"/>
      <xsl:with-param name="to" select="'&amp;'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
