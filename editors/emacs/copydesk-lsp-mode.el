;;; copydesk-lsp-mode.el --- copydesk diagnostics in Emacs through lsp-mode  -*- lexical-binding: t; -*-

;; For lsp-mode users (https://emacs-lsp.github.io/lsp-mode/): load this file,
;; then `M-x lsp' in a draft (or keep `copydesk-lsp-auto-start').

;;; Code:

(require 'lsp-mode)

(defgroup copydesk nil
  "Source-bias and attribution checker for news drafts."
  :group 'tools)

(defcustom copydesk-command '("copydesk" "serve")
  "Command that starts the copydesk language server (stdio)."
  :type '(repeat string))

(defcustom copydesk-lsp-auto-start t
  "When non-nil, start copydesk in Markdown and text buffers that visit a file."
  :type 'boolean)

(add-to-list 'lsp-language-id-configuration '(markdown-mode . "markdown"))
(add-to-list 'lsp-language-id-configuration '(gfm-mode . "markdown"))
(add-to-list 'lsp-language-id-configuration '(text-mode . "plaintext"))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () copydesk-command))
  :activation-fn (lsp-activate-on "markdown" "plaintext")
  :server-id 'copydesk
  :add-on? t  ; runs beside another Markdown server (e.g. marksman)
  :priority -1))

(defun copydesk-lsp-maybe-start ()
  (when (and copydesk-lsp-auto-start buffer-file-name)
    (lsp-deferred)))

(dolist (hook '(markdown-mode-hook gfm-mode-hook text-mode-hook))
  (add-hook hook #'copydesk-lsp-maybe-start))

(provide 'copydesk-lsp-mode)
;;; copydesk-lsp-mode.el ends here
