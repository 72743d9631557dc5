// A handful of 16px stroke icons; decorative (aria-hidden): the button around them has the name.
import type { ReactNode } from "react";

export function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const PlusIcon = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);
export const CloseIcon = () => (
  <Icon>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
);
export const MenuIcon = () => (
  <Icon>
    <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
  </Icon>
);
export const DotsIcon = () => (
  <Icon>
    <path d="M3.5 8h.01M8 8h.01M12.5 8h.01" strokeWidth="2.5" />
  </Icon>
);
export const GearIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="2.2" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
  </Icon>
);
export const FolderPlusIcon = () => (
  <Icon>
    <path d="M1.5 4.5v8h13v-7H7.5L6 4H1.5z" />
    <path d="M8 7.5v3.5M6.25 9.25h3.5" />
  </Icon>
);
export const BranchIcon = () => (
  <Icon size={12}>
    <circle cx="4.5" cy="3.5" r="1.5" />
    <circle cx="4.5" cy="12.5" r="1.5" />
    <circle cx="11.5" cy="5.5" r="1.5" />
    <path d="M4.5 5v6M11.5 7c0 3-7 2-7 4" />
  </Icon>
);
export const WarnIcon = () => (
  <Icon size={14}>
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3M8 11.5h.01" />
  </Icon>
);
export const ChartIcon = () => (
  <Icon>
    <path d="M2.5 13.5h11M4.5 11V7M8 11V4M11.5 11V8.5" />
  </Icon>
);
export const DiffIcon = () => (
  <Icon>
    <path d="M5 2.5v5M2.5 5h5M2.5 11.5h5M10 3.5l3 3-3 3M13 6.5H9" />
  </Icon>
);
export const ChevronIcon = ({ open }: { open: boolean }) => (
  <Icon size={12}>
    <path d={open ? "M4 6l4 4 4-4" : "M6 4l4 4-4 4"} />
  </Icon>
);
/** An arrow leaving a box: opens elsewhere (another app). */
export const ExternalIcon = () => (
  <Icon>
    <path d="M9 3h4v4M13 3L7.5 8.5M11.5 9.5V13h-8.5V4.5H7" />
  </Icon>
);
