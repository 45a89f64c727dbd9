import sanitize from 'sanitize-html';

/**
 * HTML from customers: no scripts, event handlers, forms, iframes or styles that load things;
 * images only from cid: and data: (remote images are not loaded without the reader's consent:
 * the web view turns `data-remote-src` back on when asked). RELIABILITY W3, W5.
 */
export function sanitizeCustomerHtml(html: string): string {
  return sanitize(html, {
    allowedTags: sanitize.defaults.allowedTags.concat(['img', 'span', 'font', 'center']),
    allowedAttributes: {
      '*': ['style', 'dir', 'lang', 'title', 'align'],
      a: ['href', 'name'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'width'],
      th: ['colspan', 'rowspan', 'width'],
      font: ['color', 'size', 'face'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowedStyles: { '*': { color: [/^[#a-z0-9(),. %]+$/i], 'background-color': [/^[#a-z0-9(),. %]+$/i], 'text-align': [/^(left|right|center|justify)$/], 'font-weight': [/^\w+$/], 'font-style': [/^\w+$/] } },
    transformTags: {
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (/^(cid|data):/i.test(src)) return { tagName, attribs };
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: { ...rest, 'data-remote-src': src, alt: attribs.alt ?? '[image]' } };
      },
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' } }),
    },
  });
}
