;;; copydesk-eglot.el --- copydesk diagnostics in Emacs through eglot  -*- lexical-binding: t; -*-

;; Load this file (or put it on `load-path' and `(require 'copydesk-eglot)'),
;; then open a draft: eglot starts `copydesk serve' for Markdown and text buffers.
;; Works with eglot 1.9+ (Emacs 28 with elpa-eglot, or Emacs 29+ built in).

;;; Code:

(require 'eglot)

(defgroup copydesk nil
  "Source-bias and attribution checker for news drafts."
  :group 'tools)

(defcustom copydesk-command '("copydesk" "serve")
  "Command that starts the copydesk language server (stdio).
E.g. (\"python3\" \"-m\" \"copydesk\" \"serve\") to use a particular Python."
  :type '(repeat string))

(defcustom copydesk-auto-start t
  "When non-nil, start copydesk in every Markdown and text buffer that visits a file."
  :type 'boolean)

;; Emacs has no Markdown mode of its own: without the markdown-mode package,
;; .md drafts get this text mode, so the server still knows they are Markdown.
(unless (fboundp 'markdown-mode)
  (define-derived-mode copydesk-markdown-mode text-mode "Markdown"
    "Text mode for Markdown drafts (install markdown-mode for more).")
  (add-to-list 'auto-mode-alist '("\\.\\(?:md\\|markdown\\)\\'" . copydesk-markdown-mode)))

;; LSP language ids the server lints.
(put 'markdown-mode 'eglot-language-id "markdown")
(put 'gfm-mode 'eglot-language-id "markdown")
(put 'copydesk-markdown-mode 'eglot-language-id "markdown")
(put 'text-mode 'eglot-language-id "plaintext")

(defconst copydesk--modes '(markdown-mode gfm-mode copydesk-markdown-mode text-mode))

;; A function contact, so a later change of `copydesk-command' takes effect.
(add-to-list 'eglot-server-programs
             (cons copydesk--modes (lambda (&rest _) copydesk-command)))

(defun copydesk-eglot-maybe-start ()
  "Start copydesk in this buffer when it visits a file."
  (when (and copydesk-auto-start buffer-file-name)
    (eglot-ensure)))

(dolist (hook '(markdown-mode-hook gfm-mode-hook copydesk-markdown-mode-hook text-mode-hook))
  (add-hook hook #'copydesk-eglot-maybe-start))

(provide 'copydesk-eglot)
;;; copydesk-eglot.el ends here
